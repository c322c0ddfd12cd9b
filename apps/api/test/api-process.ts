import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitFor } from './helpers.js'

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A `bi-perf-api` process a test started from the sources (`src/main.ts` through tsx). */
export interface ApiProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** Everything written to stdout so far (the JSON log). */
  stdout(): string
  /** Everything written to stderr so far (start-up refusals, Node warnings). */
  stderr(): string
  /** Resolves to the exit code once the process ended. */
  exit: Promise<number | null>
}

const started: ChildProcess[] = []

/**
 * Spawns the API from its sources with only `env` (plus `PATH`, `HOME`, and `PORT`/`HOST` on a
 * free loopback port unless given): nothing of the test runner's environment (`NODE_ENV=test`,
 * `BI_PERF_*`) leaks in. {@link killApiProcesses} ends it by pid.
 *
 * @example
 * const api = await spawnApi({ NODE_ENV: 'prod' })
 * expect(await api.exit).toBe(1)
 */
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = env['PORT'] ?? String(await freePort())
  const child = spawn(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: port,
        HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  started.push(child)
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    exit,
  }
}

/** {@link spawnApi}, resolved once the process logged that it listens; fails if it exits first. */
export async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const api = await spawnApi(env)
  await waitFor(
    () => {
      if (api.child.exitCode !== null) {
        throw new Error(`the API exited with ${api.child.exitCode}:\n${api.stderr()}`)
      }
      return api.stdout().includes('bi-perf-api listening on')
    },
    { timeoutMs: 30_000, what: 'the API listening' },
  )
  return api
}

/** Ends every process {@link spawnApi} started that is still running, by its pid. */
export function killApiProcesses(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}
