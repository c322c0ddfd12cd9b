import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll } from 'vitest'
import {
  captureOutput,
  freePort,
  postgresUrl,
  redisUrl,
  runProcess,
  waitFor,
  type ProcessResult,
} from '@bi-perf/test-services'
import { Redis } from 'ioredis'
import { signCliToken } from '../src/jwt.js'

export const root = resolve(import.meta.dirname, '../../..')
/** The built executables. */
export const cliBin = join(root, 'apps/cli/dist/bi-performance.js')
export const mainBin = join(root, 'apps/cli/dist/bi-perf.js')
export const apiMain = join(root, 'apps/api/dist/main.js')

/** A JWT secret for the API the tests start (at least 32 characters). */
export const SECRET = `cli-test-secret-${randomBytes(16).toString('hex')}`

/** A Redis key prefix unique to this test run. */
export function uniquePrefix(name: string): string {
  return `bi-perf-cli-test-${name}-${process.pid}-${randomBytes(3).toString('hex')}`
}

const madeDirs = new Set<string>()
// Each test file that imports these helpers removes the folders it made (hundreds per run).
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true })
  madeDirs.clear()
})

/** An empty working directory, so no `bi-perf.yaml` of the repository is picked up. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bi-perf-cli-'))
  madeDirs.add(dir)
  return dir
}

/**
 * A clean environment: only what finding node needs, plus `extra`. The CLI must not see the
 * test runner's variables (NODE_ENV, VITEST…) or a developer's BI_PERF_* settings.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra }
}

/** What a finished process left: its exit code, signal, output and wall time. */
export type Finished = ProcessResult

/** How a test runs an executable. */
export interface RunOptions {
  env?: Record<string, string>
  cwd?: string
  input?: string
  timeoutMs?: number
  /** Flags for node itself, before the script (e.g. `--import` a probe). */
  nodeArgs?: readonly string[]
}

/** Runs `node <bin> args…` to completion (killed after `timeoutMs`). */
export function run(
  bin: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Finished> {
  return runProcess(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? cleanEnv(),
    // Always a pipe, closed at once: the CLI sees a non-terminal stdin at end of input.
    input: options.input ?? '',
    timeoutMs: options.timeoutMs ?? 60_000,
  })
}

/** Runs `bi-performance args…`. */
export function cli(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return run(cliBin, args, options)
}

/** A running API process and tokens for it. */
export interface ApiProcess {
  url: string
  prefix: string
  adminToken: string
  viewerToken: string
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `node apps/api/dist/main.js` on a free port with real Redis and PostgreSQL, a JWT
 * secret, a unique Redis prefix and a rate limit high enough for the benchmark; resolves once
 * `/health/live` answers.
 */
export async function startApi(): Promise<ApiProcess> {
  const port = await freePort()
  const prefix = uniquePrefix('api')
  const child = spawn(process.execPath, [apiMain], {
    cwd: tempDir(),
    env: cleanEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl(),
      DATABASE_URL: postgresUrl(),
      BI_PERF_REDIS_PREFIX: prefix,
      BI_PERF_REDIS_COMMAND_TIMEOUT: '2s',
      BI_PERF_TASKS_QUEUE: `cli-test-${process.pid}`,
      BI_PERF_JWT_SECRET: SECRET,
      BI_PERF_LOG_LEVEL: 'warn',
      BI_PERF_SERVER_RATE_LIMIT_REQUESTS: '1000000',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = captureOutput(child).all
  const exited = new Promise<void>((resolvePromise) => child.on('exit', () => resolvePromise()))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the API exited with ${child.exitCode}:\n${output()}`)
        try {
          return (await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) })).ok
        } catch {
          return false
        }
      },
      { timeoutMs: 60_000, what: `the API on ${url}` },
    )
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    url,
    prefix,
    adminToken: signCliToken(SECRET, { role: 'admin', ttlMs: 3_600_000 }),
    viewerToken: signCliToken(SECRET, { role: 'viewer', ttlMs: 3_600_000 }),
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      await removeRedisKeys(prefix)
    },
  }
}

/** Deletes every Redis key under `prefix`. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { lazyConnect: true })
  try {
    await redis.connect()
    for (const key of await redisKeys(redis, prefix)) await redis.unlink(key)
  } finally {
    redis.disconnect()
  }
}

/** Every Redis key under `prefix`. */
export async function redisKeys(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = []
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
    string[]
  >) {
    found.push(...keys)
  }
  return found
}

// The shared services (a missing server fails the tests, never skips them).
export { postgresUrl, redisUrl } from '@bi-perf/test-services'
