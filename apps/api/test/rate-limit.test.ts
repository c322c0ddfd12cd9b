import type { Optimizer } from '@bi-perf/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  captureLogger,
  freePort,
  hsToken,
  makeApp,
  newSecret,
  readError,
  redisUrl,
  startOptimizer,
  stopAll,
  testConfig,
  uniqueName,
  waitFor,
} from './helpers.js'

const limit = { requests: 3, window: '1m' }
let optimizer: Optimizer
beforeAll(async () => {
  optimizer = await startOptimizer(testConfig({ tasks: { enabled: false } }))
})
afterAll(stopAll)

describe('memory rate limit', () => {
  it('limits each token subject to its quota with RateLimit headers, then 429 with Retry-After', async () => {
    const { app, secret } = await makeApp({ optimizer, config: { server: { rateLimit: limit } } })
    const alice = bearer(await hsToken(secret, { sub: 'alice' }))
    const remaining: (string | null)[] = []
    for (let index = 0; index < 3; index++) {
      const response = await app.request('/performance/status', { headers: alice })
      expect(response.status).toBe(200)
      expect(response.headers.get('ratelimit-limit')).toBe('3')
      expect(response.headers.get('ratelimit-policy')).toBe('3;w=60')
      remaining.push(response.headers.get('ratelimit-remaining'))
    }
    expect(remaining).toEqual(['2', '1', '0'])

    const limited = await app.request('/performance/status', { headers: alice })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1)
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect((await readError(limited)).code).toBe('E_API_RATE_LIMITED')

    const bob = bearer(await hsToken(secret, { sub: 'bob' }))
    expect((await app.request('/performance/status', { headers: bob })).status).toBe(200)
  })

  it('limits callers without a valid token by address, so 401s count too', async () => {
    const { app } = await makeApp({ optimizer, config: { server: { rateLimit: limit } } })
    const statuses: number[] = []
    for (let index = 0; index < 4; index++)
      statuses.push((await app.request('/performance/metrics')).status)
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('keeps a viewer and an admin of the same subject in separate buckets', async () => {
    const { app, secret } = await makeApp({ optimizer, config: { server: { rateLimit: limit } } })
    const viewer = bearer(await hsToken(secret, { sub: 'shared', role: 'viewer' }))
    const admin = bearer(await hsToken(secret, { sub: 'shared', role: 'admin' }))
    const statuses: number[] = []
    for (let index = 0; index < 4; index++)
      statuses.push((await app.request('/performance/status', { headers: viewer })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const answer = await app.request('/performance/status', { headers: admin })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('ratelimit-remaining')).toBe('2')
  })

  it('limits /metrics and /openapi.json like the API', async () => {
    for (const path of ['/metrics', '/openapi.json']) {
      const { app } = await makeApp({
        optimizer,
        config: { server: { rateLimit: { requests: 1, window: '1m' } } },
      })
      const first = await app.request(path)
      expect(first.status, path).toBe(200)
      expect(first.headers.get('ratelimit-limit'), path).toBe('1')
      const second = await app.request(path)
      expect(second.status, path).toBe(429)
      expect((await readError(second)).code, path).toBe('E_API_RATE_LIMITED')
    }
  })

  it('leaves health and the docs unlimited', async () => {
    const { app } = await makeApp({
      optimizer,
      config: { server: { rateLimit: { requests: 1, window: '1m' } } },
    })
    for (let index = 0; index < 5; index++) {
      for (const path of ['/health/live', '/health', '/docs', '/docs/init.js']) {
        const response = await app.request(path)
        expect(response.status, path).toBe(200)
        expect(response.headers.get('ratelimit-limit'), path).toBeNull()
      }
    }
  })
})

describe('Redis rate limit', () => {
  const prefix = uniqueName('rl')
  const redis = new Redis(redisUrl())
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:rl:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  it('shares one counter between two instances on the same Redis, in keys with a TTL', async () => {
    const secret = newSecret()
    const config = {
      redis: { url: redisUrl(), prefix },
      tasks: { enabled: false },
      database: { enabled: false },
      server: { rateLimit: limit },
    }
    const first = await makeApp({
      secret,
      optimizer: await startOptimizer(testConfig(config)),
      config,
    })
    const second = await makeApp({
      secret,
      optimizer: await startOptimizer(testConfig(config)),
      config,
    })
    const headers = bearer(await hsToken(secret, { sub: 'shared' }))
    // A connect slower than start() (a loaded machine) would make the limiter fail open.
    await waitFor(
      () => first.optimizer.redis?.status === 'ready' && second.optimizer.redis?.status === 'ready',
    )

    const answers: [number, string | null][] = []
    for (const app of [first.app, second.app, first.app, second.app]) {
      const response = await app.request('/performance/status', { headers })
      answers.push([response.status, response.headers.get('ratelimit-remaining')])
    }
    expect(answers).toEqual([
      [200, '2'],
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ])

    const ttl = await redis.pttl(`${prefix}:rl:sub:viewer:shared`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
  })

  it('fails open with one warning when Redis is unreachable', async () => {
    const port = await freePort()
    const log = captureLogger()
    const config = {
      redis: { url: `redis://127.0.0.1:${port}`, prefix, connectTimeout: '200ms' },
      tasks: { enabled: false },
      server: { rateLimit: { requests: 1, window: '1m' } },
    }
    const { app, secret } = await makeApp({
      optimizer: await startOptimizer(testConfig(config)),
      config,
      logger: log.logger,
    })
    const headers = bearer(await hsToken(secret))
    for (let index = 0; index < 3; index++) {
      const response = await app.request('/performance/status', { headers })
      expect(response.status).toBe(200)
      expect(response.headers.get('ratelimit-remaining')).toBeNull()
    }
    const warnings = log.lines.filter((line) =>
      String(line['msg']).startsWith('rate limiter store failed'),
    )
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ level: 40, store: 'redis' })
  })
})
