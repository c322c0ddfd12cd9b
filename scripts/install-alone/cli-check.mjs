/* global Buffer */
// The CLI as its README installs it: `npm install --global` of its tarball (linked to those of
// the packages it needs) into a prefix of its own, then `bi-performance --help`, `status --json`
// in local mode against the real services, and `token` with and without the secret it signs with.
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CheckFailure, hasStackTrace } from './check-failure.mjs'
import { linkTarballs } from './linked-tarballs.mjs'
import { installGlobally } from './npm-install.mjs'
import { runCommand } from './processes.mjs'
import { checksRedisUrl, postgresUrl, userEnv } from './services.mjs'
import { expectSingleCopies } from './shared-copies.mjs'

const COMMAND = 'bi-performance'

/**
 * @param {import('./workspace-packages.mjs').WorkspacePackage} pkg
 * @param {import('./library-check.mjs').CheckContext} context
 */
export async function checkCli(pkg, { workDir, tarballsFor, step }) {
  const dir = join(workDir, 'cli')
  const prefix = join(dir, 'prefix')
  const cwd = join(dir, 'project')
  mkdirSync(cwd, { recursive: true })
  const tarballs = await tarballsFor([pkg.name])
  const linked = await linkTarballs(pkg.name, tarballs, join(dir, 'tarballs'))
  await step(pkg.name, 'npm install --global', () =>
    installGlobally(pkg.name, dir, prefix, [linked.get(pkg.name)]),
  )
  await step(pkg.name, 'one copy of each shared package', async () =>
    expectSingleCopies(pkg.name, join(prefix, 'lib', 'node_modules')),
  )

  /** Runs the installed command; `expect` throws `fail(problem)` when the result is wrong. */
  const run = (args, env, expect) => {
    const label = `${COMMAND} ${args.join(' ')}`
    return step(pkg.name, label, async () => {
      const result = await runCommand(join(prefix, 'bin', COMMAND), args, {
        cwd,
        env: userEnv(env),
        timeoutMs: 30_000,
      })
      const fail = (problem) => new CheckFailure(pkg.name, label, problem, result.output)
      if (result.timedOut) throw fail('still running after 30 s')
      if (hasStackTrace(result.output)) throw fail(`exit ${result.code} with a stack trace`)
      expect(result, fail)
    })
  }

  await run(['--help'], {}, (help, fail) => {
    if (help.code !== 0) throw fail(`exit ${help.code}, expected 0`)
    for (const word of ['Usage:', 'status', 'token'])
      if (!help.stdout.includes(word)) throw fail(`the help does not mention "${word}"`)
  })

  const services = { REDIS_URL: checksRedisUrl(), DATABASE_URL: postgresUrl() }
  await run(['status', '--json'], services, (status, fail) => {
    if (status.code !== 0) throw fail(`exit ${status.code}, expected 0 (services up)`)
    const report = parseJson(status.stdout)
    if (report?.source?.mode !== 'local' || typeof report.components !== 'object')
      throw fail('expected JSON with source.mode "local" and components')
    if (!['ok', 'degraded'].includes(report.state))
      throw fail(`state ${JSON.stringify(report.state)}, expected ok or degraded`)
  })

  await run(['token', '--role', 'admin'], {}, (unsigned, fail) => {
    if (unsigned.code !== 2 || !unsigned.output.includes('BI_PERF_JWT_SECRET'))
      throw fail(`exit ${unsigned.code}, expected 2 and a message naming BI_PERF_JWT_SECRET`)
  })

  const secret = { BI_PERF_JWT_SECRET: randomBytes(32).toString('base64') }
  await run(['token', '--role', 'admin', '--ttl', '8h'], secret, (signed, fail) => {
    if (signed.code !== 0) throw fail(`exit ${signed.code}, expected 0`)
    const claims = jwtClaims(signed.stdout.trim())
    if (claims?.role !== 'admin' || claims.exp - claims.iat !== 8 * 3600)
      throw fail('expected one JWT with role admin, valid 8 h')
  })
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function jwtClaims(token) {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  return parseJson(Buffer.from(parts[1], 'base64url').toString('utf8'))
}
