/* global process */
// One library, installed alone: its tarball and those of the `@bi-perf/*` packages it needs, plus
// what the README's first `npm install` line adds from the registry, into an empty folder; then
// the README's first example runs there with Node against the real Redis and PostgreSQL.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CheckFailure, exitProblem, hasStackTrace } from './check-failure.mjs'
import { exampleModule } from './example-module.mjs'
import { libraryScenarios } from './library-scenarios.mjs'
import { installIntoProject } from './npm-install.mjs'
import { runCommand } from './processes.mjs'
import { firstExample, firstInstall } from './readme.mjs'
import { checksRedisUrl, createDatabase, dropDatabase, userEnv } from './services.mjs'
import { expectSingleCopies } from './shared-copies.mjs'

/** An example's time to finish: it makes a few calls and closes. */
const EXAMPLE_TIMEOUT_MS = 30_000

/**
 * What every check gets from the run: its work folder, the tarballs, and the step reporter.
 *
 * @typedef {{
 *   workDir: string,
 *   tarballsFor: (names: string[]) => Promise<string[]>,
 *   step: <T>(subject: string, name: string, run: () => Promise<T>) => Promise<T>,
 * }} CheckContext `tarballsFor` gives the tarballs of packages and of what they need
 */

/**
 * @param {import('./workspace-packages.mjs').WorkspacePackage} pkg
 * @param {CheckContext} context
 */
export async function checkLibrary(pkg, { workDir, tarballsFor, step }) {
  const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8')
  const example = firstExample(readme)
  if (!example) throw new CheckFailure(pkg.name, 'README', 'no ```ts or ```js example')
  const install = firstInstall(readme)
  if (!install?.includes(pkg.name))
    throw new CheckFailure(pkg.name, 'README', `no "npm install ${pkg.name} …" line`)

  const dir = join(workDir, pkg.name.replace(/^@/, '').replace('/', '-'))
  mkdirSync(dir, { recursive: true })
  const ours = install.filter((name) => name.startsWith('@bi-perf/'))
  const theirs = install.filter((name) => !name.startsWith('@bi-perf/'))
  const tarballs = await tarballsFor(ours)
  await step(pkg.name, `npm install ${[...ours, ...theirs].join(' ')}`, () =>
    installIntoProject(pkg.name, dir, [...tarballs, ...theirs]),
  )
  await step(pkg.name, 'one copy of each shared package', async () =>
    expectSingleCopies(pkg.name, join(dir, 'node_modules')),
  )

  const scenario = libraryScenarios[pkg.name] ?? {}
  const source = exampleModule(example, { ...scenario, rewrites: scenario.rewrites?.(dir) })
  writeFileSync(join(dir, 'example.mjs'), source)

  const database = `bi_perf_install_alone_${process.pid}_${pkg.name.split('/')[1]}`
  const env = { REDIS_URL: checksRedisUrl() }
  if (scenario.database) env.DATABASE_URL = await createDatabase(database, scenario.database)
  try {
    await step(pkg.name, 'README example', () => runExample(pkg.name, dir, userEnv(env)))
  } finally {
    if (scenario.database) await dropDatabase(database)
  }
}

async function runExample(subject, dir, env) {
  const result = await runCommand('node', ['example.mjs'], {
    cwd: dir,
    env,
    timeoutMs: EXAMPLE_TIMEOUT_MS,
  })
  const fail = (problem) => new CheckFailure(subject, 'README example', problem, result.output)
  if (result.timedOut) throw fail('still running after 30 s')
  if (result.code !== 0) throw fail(exitProblem(result.code))
  if (hasStackTrace(result.output)) throw fail('exit 0, but it printed a stack trace')
}
