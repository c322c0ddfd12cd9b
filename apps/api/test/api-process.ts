import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitFor } from './helpers.js'

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const rootDir = join(appDir, '..', '..')

/** A `bi-perf-api` process a test started (`src/main.ts` through tsx, or `dist/main.js`). */
export interface ApiProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** Everything read from stdout so far (the JSON log). */
  stdout(): string
  /** Everything written to stderr so far (start-up refusals, Node warnings). */
  stderr(): string
  /** Resolves to the exit code once the process ended. */
  exit: Promise<number | null>
  /** Resolves once the process ended, with its exit code or the signal that ended it. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Stops reading stdout, as a stuck log shipper does: the pipe fills and stays full. */
  stall(): void
  /** Reads stdout again after {@link ApiProcess.stall}. */
  resume(): void
}

/** Options of {@link spawnApi}. */
export interface SpawnApiOptions {
  /**
   * `dist/main.js` runs the bundle as `pnpm start` does (build it first with
   * {@link buildApiBundle}); workspace packages still resolve to their sources.
   * @default 'src/main.ts'
   */
  entry?: 'src/main.ts' | 'dist/main.js'
  /**
   * Add `PORT` (a free one) and `HOST=127.0.0.1` unless `env` sets them; `false` passes `env`
   * as it is, for tests of what the server does without them.
   * @default true
   */
  loopback?: boolean
}

const started: ChildProcess[] = []

/**
 * Builds `dist/` with tsup, so a test of the bundle never runs a stale one. Call it in
 * `beforeAll` (with a generous timeout).
 */
export function buildApiBundle(): void {
  const build = spawnSync(join(rootDir, 'node_modules', '.bin', 'tsup'), {
    cwd: appDir,
    encoding: 'utf8',
  })
  if (build.status !== 0) throw new Error(`tsup build failed:\n${build.stdout}\n${build.stderr}`)
}

/**
 * Spawns the API with only `env` (plus `PATH`, `HOME`, and `PORT`/`HOST` on a free loopback port
 * unless given or `loopback: false`): nothing of the test runner's environment (`NODE_ENV=test`,
 * `BI_PERF_*`) leaks in. {@link killApiProcesses} ends it by pid.
 *
 * @example
 * const api = await spawnApi({ NODE_ENV: 'prod' })
 * expect(await api.exit).toBe(1)
 */
export async function spawnApi(
  env: Record<string, string>,
  { entry = 'src/main.ts', loopback = true }: SpawnApiOptions = {},
): Promise<ApiProcess> {
  const port = env['PORT'] ?? String(await freePort())
  const child = spawn(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', entry],
    {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...(loopback ? { PORT: port, HOST: '127.0.0.1' } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  started.push(child)
  let out = ''
  let err = ''
  const onData = (chunk: Buffer) => (out += chunk.toString())
  child.stdout?.on('data', onData)
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    exit: ended.then(({ code }) => code),
    ended,
    // A paused socket stops reading once its own small buffer is full; the pipe then fills.
    stall: () => {
      child.stdout?.off('data', onData)
      child.stdout?.pause()
    },
    resume: () => {
      child.stdout?.on('data', onData)
      child.stdout?.resume()
    },
  }
}

/**
 * {@link spawnApi}, resolved once the process logged `until` (by default that it listens); fails
 * if it exits first.
 */
export async function startApi(
  env: Record<string, string>,
  options: SpawnApiOptions & { until?: (stdout: string) => boolean; timeoutMs?: number } = {},
): Promise<ApiProcess> {
  const { until = (out) => out.includes('bi-perf-api listening on'), timeoutMs = 30_000 } = options
  const api = await spawnApi(env, options)
  await waitFor(
    () => {
      if (api.child.exitCode !== null) {
        throw new Error(`the API exited with ${api.child.exitCode}:\n${api.stderr()}`)
      }
      return until(api.stdout())
    },
    { timeoutMs, what: 'the API started' },
  )
  return api
}

/** Ends every process {@link spawnApi} started that is still running, by its pid. */
export function killApiProcesses(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}
