// The attacks of issue 15, run against the real server process (`src/main.ts`) as a caller would
// run them: over HTTP, with tokens signed by the configured secret, in production mode.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killApiProcesses, spawnApi, startApi, type ApiProcess } from './api-process.js'
import {
  bearer,
  postgresUrl,
  hsToken,
  newSecret,
  readError,
  redisUrl,
  uniqueName,
  waitFor,
} from './helpers.js'

/** Requests per caller in the process's window (one hour, so nothing refills during a test). */
const LIMIT = 20

const prefix = uniqueName('hardening')
const secret = newSecret()
let api: ApiProcess

beforeAll(async () => {
  api = await startApi({
    NODE_ENV: 'production',
    REDIS_URL: redisUrl(),
    DATABASE_URL: postgresUrl(),
    BI_PERF_JWT_SECRET: secret,
    BI_PERF_REDIS_PREFIX: prefix,
    BI_PERF_TASKS_QUEUE: prefix,
    BI_PERF_SERVER_RATE_LIMIT_REQUESTS: String(LIMIT),
    BI_PERF_SERVER_RATE_LIMIT_WINDOW: '1h',
  })
}, 60_000)

afterAll(async () => {
  killApiProcesses()
  const redis = new Redis(redisUrl())
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

/** A subject no other test uses, so each test has buckets and stream slots of its own. */
function subject(label: string): string {
  return uniqueName(label)
}

describe('the API process under attack', () => {
  it('answers 404 in the error shape for /docs/<Object.prototype member>, logging no error', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const response = await fetch(`${api.url}/docs/${name}`)
      expect(response.status, name).toBe(404)
      expect((await readError(response)).code, name).toBe('E_API_NOT_FOUND')
    }
    // Every request has its access line once a later one answered; no error line, no stack.
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200)
    expect(api.stdout()).not.toContain('"level":50')
    expect(api.stdout()).not.toMatch(/ENOENT|\bat .+\.(ts|js):\d+/)
  })

  it('keeps a viewer and an admin of the same subject in separate rate-limit buckets', async () => {
    const sub = subject('shared')
    const viewer = bearer(await hsToken(secret, { sub, role: 'viewer' }))
    const admin = bearer(await hsToken(secret, { sub, role: 'admin' }))
    const statuses: number[] = []
    for (let index = 0; index <= LIMIT; index++) {
      statuses.push((await fetch(`${api.url}/performance/status`, { headers: viewer })).status)
    }
    expect(statuses.slice(0, LIMIT).every((status) => status === 200)).toBe(true)
    expect(statuses[LIMIT]).toBe(429)

    const answer = await fetch(`${api.url}/performance/status`, { headers: admin })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1))
  })

  it('rate-limits /metrics and /openapi.json like the API routes', async () => {
    for (const path of ['/metrics', '/openapi.json']) {
      const caller = bearer(await hsToken(secret, { sub: subject('scraper') }))
      const statuses: number[] = []
      for (let index = 0; index <= LIMIT; index++) {
        const response = await fetch(`${api.url}${path}`, { headers: caller })
        expect(response.headers.get('ratelimit-limit'), path).toBe(String(LIMIT))
        await response.arrayBuffer()
        statuses.push(response.status)
      }
      expect(statuses[LIMIT], path).toBe(429)
    }
  })

  it('closes /metrics in production when no metrics token is configured', async () => {
    const response = await fetch(`${api.url}/metrics`, {
      headers: bearer(await hsToken(secret, { sub: subject('metrics'), role: 'admin' })),
    })
    expect(response.status).toBe(401)
    const error = await readError(response)
    expect(error.code).toBe('E_API_UNAUTHORIZED')
    expect(error.message).toContain('server.metricsToken')
  })

  it('caps event streams per subject with a 429, without a MaxListenersExceededWarning', async () => {
    const streams: AbortController[] = []
    const open = async (headers: { Authorization: string }) => {
      const controller = new AbortController()
      streams.push(controller)
      const response = await fetch(`${api.url}/performance/stream`, {
        headers,
        signal: controller.signal,
      })
      if (response.ok) await response.body!.getReader().read()
      return response
    }
    try {
      const callers = await Promise.all(
        ['a', 'b', 'c'].map(async (label) =>
          bearer(await hsToken(secret, { sub: subject(label) })),
        ),
      )
      // 15 open streams: more than the 10 listeners an emitter or a signal takes without warning.
      for (const caller of callers) {
        for (let index = 0; index < 5; index++) {
          expect((await open(caller)).status).toBe(200)
        }
      }
      const refused = await open(callers[0]!)
      expect(refused.status).toBe(429)
      expect((await readError(refused)).code).toBe('E_API_TOO_MANY_STREAMS')

      // Closing one stream frees its slot.
      streams[0]!.abort()
      await waitFor(
        async () => {
          const again = await open(callers[0]!)
          if (!again.ok) await again.arrayBuffer()
          return again.ok
        },
        { timeoutMs: 10_000, what: 'a freed stream slot' },
      )
      expect((await fetch(`${api.url}/health/live`)).status).toBe(200)
      expect(api.stderr()).not.toContain('MaxListenersExceededWarning')
    } finally {
      for (const stream of streams) stream.abort()
    }
  })

  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000)
    const future = await hsToken(
      secret,
      { sub: subject('future'), iat: now + 3_600 },
      {
        expires: now + 7_200,
      },
    )
    const response = await fetch(`${api.url}/performance/status`, { headers: bearer(future) })
    expect(response.status).toBe(401)
    expect((await readError(response)).message).toBe('token issued in the future')
  })
})

describe('the API process environment', () => {
  it.each([['PRODUCTION'], ['prod'], ['staging'], ['(unset)']])(
    'runs NODE_ENV=%s as production: refuses to start without auth and logs no admin token',
    async (label) => {
      const nodeEnv = label === '(unset)' ? undefined : label
      const server = await spawnApi({
        DATABASE_URL: postgresUrl(),
        ...(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }),
      })
      // A server taking the value for development would start: stop at exit or listening.
      await waitFor(
        () =>
          server.child.exitCode !== null || server.stdout().includes('bi-perf-api listening on'),
        { timeoutMs: 25_000, what: 'exit or listening' },
      )
      expect(server.stdout()).not.toContain('#token=')
      expect(await server.exit).toBe(1)
      expect(server.stderr().trim().split('\n')).toEqual([
        `bi-perf-api: refusing to start: production (${nodeEnv === undefined ? 'NODE_ENV unset' : `NODE_ENV="${nodeEnv}"`}) and no auth configured; set BI_PERF_JWT_SECRET, BI_PERF_JWT_PUBLIC_KEY or BI_PERF_JWKS_URL, or NODE_ENV=development for a throwaway development token`,
      ])
    },
    30_000,
  )
})
