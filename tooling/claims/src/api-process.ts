import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { freePort, waitFor } from '@bi-perf/test-services'
import { mintAdminToken } from './token.js'

/** The built API entry point; `pnpm bench:claims` builds it first. */
export const API_ENTRY = fileURLToPath(new URL('../../../apps/api/dist/main.js', import.meta.url))

/** A running API process the harness started, with an admin token for it. */
export interface ApiProcess {
  readonly url: string
  readonly pid: number
  /** Sends a request with the admin token; rejects on a status other than 2xx. */
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>
  /** Stops the process by its pid (SIGTERM, then SIGKILL after `graceMs`). Idempotent. */
  stop(graceMs?: number): Promise<void>
}

/**
 * Starts the built API with embedded defaults (PGlite with the seeded demo workload, in-process
 * cache, no Redis) on a free port, in production mode with a random JWT secret, and waits until
 * `GET /analytics/dashboard` answers 200 (the demo is seeded). Inherited `DATABASE_URL`,
 * `REDIS_URL` and `BI_PERF_*` variables are dropped, so every run measures the same setup; the
 * per-client rate limit is lifted, since every request of the harness comes from one client.
 *
 * @example
 * const api = await startApi({ profile: 'memory' })
 * await api.request('GET', '/analytics/dashboard')
 * await api.stop()
 */
export async function startApi({
  profile = 'balanced',
  startTimeoutMs = 90_000,
}: {
  profile?: 'balanced' | 'memory' | 'performance'
  startTimeoutMs?: number
} = {}): Promise<ApiProcess> {
  const port = await freePort()
  const secret = randomBytes(32).toString('hex')
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'DATABASE_URL' || name.startsWith('REDIS_') || name.startsWith('BI_PERF_'))
      continue
    env[name] = value
  }
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    BI_PERF_JWT_SECRET: secret,
    BI_PERF_PROFILE: profile,
    BI_PERF_LOG_LEVEL: 'warn',
    // All the harness's requests come from one client: the per-client limit (300/min) would
    // answer 429 to the workload.
    BI_PERF_SERVER_RATE_LIMIT_REQUESTS: '1000000',
  })
  const child: ChildProcess = spawn(process.execPath, [API_ENTRY], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: enough to explain a failed start.
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // Whatever ends the harness, the API must not outlive it.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.on('exit', killOnExit)
  const url = `http://127.0.0.1:${port}`
  const token = mintAdminToken(secret)

  const request = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`)
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }

  let stopping: Promise<void> | undefined
  const api: ApiProcess = {
    url,
    pid: child.pid!,
    request,
    stop(graceMs = 20_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
          await exited
          clearTimeout(timer)
        }
        process.off('exit', killOnExit)
      })()
      return stopping
    },
  }
  try {
    await waitFor(
      async () => {
        // A process that exited will never answer: fail now rather than at the deadline.
        if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode})`)
        return request('GET', '/analytics/dashboard').then(
          () => true,
          () => false,
        )
      },
      {
        timeoutMs: startTimeoutMs,
        what: 'the API answering GET /analytics/dashboard',
        intervalMs: 200,
      },
    )
  } catch (error) {
    await api.stop(2_000)
    throw new Error(
      `could not start the API (${profile}): ${(error as Error).message}\n${stderr}`,
      {
        cause: error,
      },
    )
  }
  return api
}
