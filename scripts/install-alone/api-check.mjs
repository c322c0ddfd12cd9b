/* global fetch, AbortSignal, setTimeout */
// The API as it is deployed: `npm install` of its tarball and those of the `@bi-perf/*` packages
// it needs, then `bi-perf-api` with its embedded defaults (no Redis or PostgreSQL named, so the
// in-process cache and queue and an embedded PGlite) until `GET /health` answers, the files it
// serves from its packages answer too, and SIGTERM ends it with exit 0.
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { CheckFailure, hasStackTrace } from './check-failure.mjs'
import { installIntoProject } from './npm-install.mjs'
import { startCommand } from './processes.mjs'
import { userEnv } from './services.mjs'
import { expectSingleCopies } from './shared-copies.mjs'

const COMMAND = 'bi-perf-api'
/** Start-up includes the embedded PGlite in its worker thread: seconds, more under load. */
const READY_TIMEOUT_MS = 60_000
/**
 * Routes served from files of the installed packages rather than from code: the dashboard page
 * (`src/dashboard`, shipped beside `dist`), uPlot and Swagger UI from their packages, and the
 * OpenAPI document. A packaging change that drops one of them shows here, not in the tests.
 */
const FILES_FROM_THE_PACKAGE = [
  '/',
  '/dashboard/app.js',
  '/dashboard/vendor/uplot.js',
  '/docs/swagger-ui-bundle.js',
  '/openapi.json',
]
/** The API's own shutdown is bounded at 17 s (drain, margin, watchdog); 20 s is its limit. */
const STOP_GRACE_MS = 20_000

/**
 * @param {import('./workspace-packages.mjs').WorkspacePackage} pkg
 * @param {import('./library-check.mjs').CheckContext} context
 */
export async function checkApi(pkg, { workDir, tarballsFor, step }) {
  if (!pkg.bin[COMMAND]) throw new CheckFailure(pkg.name, 'package.json', `no bin "${COMMAND}"`)
  const dir = join(workDir, 'api')
  mkdirSync(dir, { recursive: true })
  const tarballs = await tarballsFor([pkg.name])
  await step(pkg.name, 'npm install', () => installIntoProject(pkg.name, dir, tarballs))
  await step(pkg.name, 'one copy of each shared package', async () =>
    expectSingleCopies(pkg.name, join(dir, 'node_modules')),
  )

  const port = await freePort()
  const env = userEnv({ NODE_ENV: 'development', PORT: String(port) })
  const server = startCommand(join(dir, 'node_modules', '.bin', COMMAND), [], { cwd: dir, env })
  const fail = (where, problem) => new CheckFailure(pkg.name, where, problem, server.output())
  try {
    await step(pkg.name, `${COMMAND} until GET /health answers 200`, () =>
      untilHealthy(server, port, fail),
    )
  } catch (error) {
    await server.stop(STOP_GRACE_MS)
    throw error
  }
  try {
    await step(pkg.name, `GET ${FILES_FROM_THE_PACKAGE.join(', ')}`, () => expectServed(port, fail))
  } catch (error) {
    await server.stop(STOP_GRACE_MS)
    throw error
  }
  const stopped = await step(pkg.name, 'SIGTERM until it exits', () => server.stop(STOP_GRACE_MS))
  if (stopped.killed) throw fail('SIGTERM', `still running ${STOP_GRACE_MS / 1000} s after it`)
  if (stopped.code !== 0) throw fail('SIGTERM', `exit ${stopped.code}, expected 0`)
  if (hasStackTrace(server.output())) throw fail('output', 'a stack trace in the server output')
}

async function untilHealthy(server, port, fail) {
  const where = `${COMMAND} until GET /health answers 200`
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last = 'no answer'
  while (Date.now() < deadline) {
    const code = server.exitCode()
    if (code !== undefined) throw fail(where, `exited with code ${code} before answering`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(2_000),
      })
      const body = await response.text()
      if (response.status === 200) return
      last = `${response.status} ${body.slice(0, 200)}`
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw fail(where, `no 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`)
}

/** Each path answers 200 with a non-empty body. */
async function expectServed(port, fail) {
  for (const path of FILES_FROM_THE_PACKAGE) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(10_000),
    })
    const body = await response.arrayBuffer()
    if (response.status !== 200 || body.byteLength === 0)
      throw fail(`GET ${path}`, `${response.status}, ${body.byteLength} bytes; expected 200`)
  }
}

/** A TCP port nothing listens on now, from the kernel. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address())
      probe.close(() => resolve(port))
    })
  })
}
