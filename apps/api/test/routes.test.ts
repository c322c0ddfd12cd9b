import type { Optimizer } from '@bi-perf/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }
import {
  bearer,
  captureLogger,
  hsToken,
  makeApp,
  readError,
  startOptimizer,
  stopAll,
  testConfig,
} from './helpers.js'

type App = Awaited<ReturnType<typeof makeApp>>['app']

let optimizer: Optimizer
let app: App
let viewer: Record<string, string>
let admin: Record<string, string>
const log = captureLogger()

beforeAll(async () => {
  optimizer = await startOptimizer(testConfig())
  const made = await makeApp({
    optimizer,
    logger: log.logger,
    config: { server: { bodyLimit: 512 } },
  })
  app = made.app
  viewer = bearer(await hsToken(made.secret, { role: 'viewer' }))
  admin = {
    ...bearer(await hsToken(made.secret, { role: 'admin', sub: 'ops' })),
    'Content-Type': 'application/json',
  }
})
afterAll(stopAll)

describe('viewer routes', () => {
  it('GET /performance/status answers the optimizer status with instance and version', async () => {
    const response = await app.request('/performance/status', { headers: viewer })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    // The version is the released one from package.json (changesets bumps it), never a placeholder.
    expect(body).toMatchObject({ running: true, profile: 'balanced', version: packageJson.version })
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(body.version).not.toBe('0.0.0')
    expect(body['instance']).toBe(`${(await import('node:os')).hostname()}:${process.pid}`)
    expect(Object.keys(body['components'] as object).sort()).toEqual([
      'cache',
      'db',
      'memory',
      'monitor',
      'tasks',
    ])
  })

  it('GET /performance/metrics answers the latest metrics', async () => {
    const body = (await (
      await app.request('/performance/metrics', { headers: viewer })
    ).json()) as Record<string, unknown>
    expect(body['profile']).toBe('balanced')
    expect(typeof body['at']).toBe('number')
    expect(body).toHaveProperty('cache.hitRate')
    expect(body).toHaveProperty('tuning.cache.ttlMs')
  })

  it('GET /performance/cache/stats, database/stats and tasks/status answer each component', async () => {
    const cache = (await (
      await app.request('/performance/cache/stats', { headers: viewer })
    ).json()) as object
    expect(cache).toHaveProperty('hitRate')
    const db = (await (
      await app.request('/performance/database/stats', { headers: viewer })
    ).json()) as object
    expect(db).toHaveProperty('pool')
    const tasks = await app.request('/performance/tasks/status', { headers: viewer })
    expect(tasks.status).toBe(200)
    expect(await tasks.json()).toHaveProperty('counts')
  })

  it('GET /performance/recommendations filters by priority', async () => {
    const all = (await (
      await app.request('/performance/recommendations', { headers: viewer })
    ).json()) as {
      recommendations: unknown[]
    }
    expect(Array.isArray(all.recommendations)).toBe(true)
    const spy = vi.spyOn(optimizer, 'recommendations')
    const response = await app.request('/performance/recommendations?priority=high', {
      headers: viewer,
    })
    expect(response.status).toBe(200)
    expect(spy).toHaveBeenLastCalledWith({ priority: 'high' })
    spy.mockRestore()
  })

  it('GET /performance/recommendations and /status answer forecasts, unknown on a fresh start', async () => {
    type Forecasts = { forecasts: { resource: string; outlook: string; summary: string }[] }
    const advice = (await (
      await app.request('/performance/recommendations', { headers: viewer })
    ).json()) as Forecasts & { recommendations: unknown[] }
    const status = (await (
      await app.request('/performance/status', { headers: viewer })
    ).json()) as Forecasts
    for (const body of [advice, status]) {
      const resources = body.forecasts.map((forecast) => forecast.resource)
      expect(resources).toEqual(expect.arrayContaining(['heap', 'tasks.backlog', 'db.pool']))
      // Seconds of history are too little for any trend: said so, not guessed.
      const heap = body.forecasts.find((forecast) => forecast.resource === 'heap')!
      expect(heap.outlook).toBe('unknown')
      expect(heap.summary).toMatch(/^heap: not enough data yet/)
    }
  })

  it('rejects an unknown priority with a 400 naming the field', async () => {
    const response = await app.request('/performance/recommendations?priority=urgent', {
      headers: viewer,
    })
    expect(response.status).toBe(400)
    const error = await readError(response)
    expect(error.code).toBe('E_API_VALIDATION')
    const details = error.details as { path: string; rule: string }[]
    expect(details.map((issue) => issue.path)).toEqual(['query.priority'])
    expect(details[0]?.rule).toContain('critical')
  })
})

describe('admin routes', () => {
  it('POST /performance/optimize/{profile} applies the profile', async () => {
    const response = await app.request('/performance/optimize/performance', {
      method: 'POST',
      headers: admin,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ profile: 'performance', previous: 'balanced' })
    expect(optimizer.profile).toBe('performance')
    await optimizer.applyProfile('balanced')
  })

  it('answers 400 listing the valid profiles for an unknown one', async () => {
    const response = await app.request('/performance/optimize/turbo', {
      method: 'POST',
      headers: admin,
    })
    expect(response.status).toBe(400)
    const error = await readError(response)
    expect(error.code).toBe('E_CORE_UNKNOWN_PROFILE')
    expect(error.details).toEqual({ validProfiles: ['balanced', 'memory', 'performance'] })
  })

  it('POST /performance/cache/clear removes the keys matching a pattern', async () => {
    await optimizer.cache?.set('routes-test:a', 1)
    await optimizer.cache?.set('routes-test:b', 2)
    await optimizer.cache?.set('other:c', 3)
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ pattern: 'routes-test:*' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ removed: 2 })
    expect(await optimizer.cache?.get('other:c')).toBe(3)
  })

  it('POST /performance/cache/clear with an adversarial 256-character glob over 10k long keys answers', async () => {
    // The glob ReDoS of issue 15: a backtracking matcher took seconds per key for 7 stars; a
    // caller cannot plant keys in a server process, so they are planted here, in its cache.
    const keys = Array.from({ length: 10_000 }, (_, i) => `redos:${'a'.repeat(64)}:${i}`)
    await optimizer.cache?.mset(keys.map((key) => ({ key, value: 1 })))
    const pattern = '*a'.repeat(127) + 'b'
    expect(pattern).toHaveLength(255)
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ pattern }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ removed: 0 })
    expect(await optimizer.cache?.get(keys[0]!)).toBe(1)
    await optimizer.cache?.clear('redos:*')
  })

  it.each([
    [{ pattern: 5 }, 'body.pattern'],
    [{ tags: 'sales' }, 'body.tags'],
    [{ tags: [''] }, 'body.tags.0'],
    [{ pattern: 'a*', everything: true }, 'body.everything'],
  ])('rejects the body %j with a 400 naming %s', async (body, path) => {
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(400)
    const error = await readError(response)
    expect(error.code).toBe('E_API_VALIDATION')
    expect((error.details as { path: string }[]).map((issue) => issue.path)).toContain(path)
  })

  it('rejects malformed JSON with a 400 in the error shape', async () => {
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: admin,
      body: '{"pattern":',
    })
    expect(response.status).toBe(400)
    expect((await readError(response)).code).toBe('E_API_VALIDATION')
  })

  it('rejects a non-JSON body with 415 in the error shape', async () => {
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'text/plain' },
      body: 'pattern=*',
    })
    expect(response.status).toBe(415)
    expect((await readError(response)).code).toBe('E_API_UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers 413 for a body above server.bodyLimit', async () => {
    const response = await app.request('/performance/cache/clear', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ tags: Array.from({ length: 100 }, (_, index) => `tag-${index}`) }),
    })
    expect(response.status).toBe(413)
    const error = await readError(response)
    expect(error).toMatchObject({ code: 'E_API_PAYLOAD_TOO_LARGE', details: { limit: 512 } })
  })
})

describe('errors', () => {
  it('answers 404 in the error shape for an unknown route', async () => {
    const response = await app.request('/performance/nope', { headers: viewer })
    expect(response.status).toBe(404)
    expect((await readError(response)).code).toBe('E_API_NOT_FOUND')
  })

  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const response = await app.request('/performance/cache/clear', { headers: viewer })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect((await readError(response)).code).toBe('E_API_METHOD_NOT_ALLOWED')
  })

  it('answers 409 for a disabled component', async () => {
    const noCache = await startOptimizer(
      testConfig({ cache: { enabled: false }, tasks: { enabled: false } }),
    )
    const made = await makeApp({ optimizer: noCache })
    const headers = bearer(await hsToken(made.secret))
    for (const path of ['/performance/cache/stats', '/performance/tasks/status']) {
      const response = await made.app.request(path, { headers })
      expect(response.status, path).toBe(409)
      expect(await readError(response)).toMatchObject({ code: 'E_CORE_COMPONENT_DISABLED' })
    }
  })

  it('answers an unexpected failure with a generic 500 carrying the request id, and logs it', async () => {
    const spy = vi.spyOn(optimizer, 'metrics').mockImplementation(() => {
      throw new Error('connection string postgres://user:hunter2@db/internal')
    })
    try {
      const response = await app.request('/performance/metrics', {
        headers: { ...viewer, 'X-Request-Id': 'req-500' },
      })
      expect(response.status).toBe(500)
      const text = await response.clone().text()
      expect(text).not.toContain('hunter2')
      expect(await readError(response)).toEqual({
        code: 'E_API_INTERNAL',
        message: 'internal error',
        details: { requestId: 'req-500' },
      })
      const logged = log.lines.find((line) => line['msg'] === 'request failed')
      expect(logged).toMatchObject({ requestId: 'req-500', level: 50 })
    } finally {
      spy.mockRestore()
    }
  })
})

describe('health', () => {
  it('answers live, ready and the summary without auth', async () => {
    expect(await (await app.request('/health/live')).json()).toEqual({ status: 'ok' })
    const ready = await app.request('/health/ready')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready' })
    const health = await app.request('/health')
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ live: true, ready: true })
  })

  it('answers 503 with reasons on /health/ready once the optimizer stopped', async () => {
    const stopped = await startOptimizer(testConfig({ tasks: { enabled: false } }))
    const made = await makeApp({ optimizer: stopped })
    await stopped.stop()
    expect((await made.app.request('/health/live')).status).toBe(200)
    for (const path of ['/health/ready', '/health']) {
      const response = await made.app.request(path)
      expect(response.status, path).toBe(503)
      const error = await readError(response)
      expect(error.code).toBe('E_API_NOT_READY')
      expect((error.details as { reasons: string[] }).reasons).toContain('optimizer is not running')
    }
  })
})

describe('http hygiene', () => {
  it('echoes or creates X-Request-Id', async () => {
    expect(
      (await app.request('/health/live', { headers: { 'X-Request-Id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123')
    expect((await app.request('/health/live')).headers.get('x-request-id')).toMatch(
      /^[0-9a-f-]{36}$/,
    )
  })

  it('logs one access line per request without query values, tokens or bodies', async () => {
    const token = viewer['Authorization'] ?? ''
    await app.request('/performance/recommendations?priority=high&note=s3cr3t-value', {
      headers: { ...viewer, 'X-Request-Id': 'log-1' },
    })
    const line = log.lines.find(
      (entry) => entry['requestId'] === 'log-1' && entry['msg'] === 'request',
    )
    expect(line).toMatchObject({
      method: 'GET',
      path: '/performance/recommendations',
      route: '/performance/recommendations',
      status: 200,
    })
    expect(typeof line?.['durationMs']).toBe('number')
    expect(log.text()).not.toContain('s3cr3t-value')
    expect(log.text()).not.toContain(token.slice('Bearer '.length))
  })

  it('gives pages a CSP allowing only this origin, and the other secure headers', async () => {
    for (const path of ['/', '/docs']) {
      const response = await app.request(path)
      expect(response.status).toBe(200)
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("default-src 'self'")
      expect(csp).not.toContain('unsafe-eval')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin')
    }
  })

  it('gives API responses the REST set: nothing may load, nothing may be stored', async () => {
    for (const path of ['/health/live', '/openapi.json', '/metrics', '/no-such-route']) {
      const response = await app.request(path)
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      )
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('strict-transport-security')).toContain('max-age=')
      expect(response.headers.get('cross-origin-opener-policy')).toBeNull()
    }
  })

  it('sends no CORS headers unless origins are configured', async () => {
    const response = await app.request('/health/live', { headers: { Origin: 'https://evil.test' } })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const made = await makeApp({
      optimizer,
      config: { server: { cors: { origins: ['https://app.test'] } } },
    })
    const allowed = await made.app.request('/performance/status', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.test', 'Access-Control-Request-Method': 'GET' },
    })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.test')
    const other = await made.app.request('/health/live', {
      headers: { Origin: 'https://evil.test' },
    })
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.test')
  })

  it('serves Swagger UI from this origin, without a CDN', async () => {
    const page = await app.request('/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script>[^<]/)
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']) {
      const response = await app.request(asset)
      expect(response.status, asset).toBe(200)
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(20)
    }
    expect((await app.request('/docs/package.json')).status).toBe(404)
  })

  it('answers 404 in the error shape for /docs/<a name on Object.prototype>', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const response = await app.request(`/docs/${name}`)
      expect(response.status, name).toBe(404)
      expect((await readError(response)).code, name).toBe('E_API_NOT_FOUND')
    }
    const errors = log.lines.filter(
      (line) => line['level'] === 50 && String(line['path']).startsWith('/docs'),
    )
    expect(errors).toEqual([])
  })
})
