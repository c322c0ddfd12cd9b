// The cached JSON bodies over a real socket: ETag and 304, gzip and br, Vary, HEAD, new tags when
// the figures change, the same security headers on a 304, one body for every principal.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoWorkload, type DemoWorkload } from '../src/demo/workload.js'
import { listen, type RunningServer } from '../src/server.js'
import { bearer, hsToken, makeApp, silentLogger, stopAll, waitFor } from './helpers.js'

let server: RunningServer
let app: Awaited<ReturnType<typeof makeApp>>['app']
let workload: DemoWorkload
let viewer: Record<string, string>
let admin: Record<string, string>

beforeAll(async () => {
  const made = await makeApp({
    demo: (optimizer) =>
      startDemoWorkload(optimizer, silentLogger(), {
        dataset: { rows: 30_000 },
        refreshInterval: '1h',
      }),
  })
  const { secret } = made
  app = made.app
  workload = made.demo!
  expect(await workload.ready).toBe('ready')
  server = await listen(app.fetch, { port: 0, host: '127.0.0.1' })
  viewer = bearer(await hsToken(secret))
  admin = bearer(await hsToken(secret, { role: 'admin', sub: 'boss' }))
}, 120_000)

afterAll(async () => {
  await server.close(1_000)
  await workload.close()
  await stopAll()
})

/** The raw answer, bytes as sent (fetch would decode them). */
function rawGet(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${server.url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      )
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** The dashboard once the query cache answers every widget: the body the route keeps. */
async function steadyDashboard() {
  let last: Awaited<ReturnType<typeof rawGet>> | undefined
  await waitFor(
    async () => {
      const previous = last
      last = await rawGet('/analytics/dashboard', viewer)
      return previous !== undefined && previous.headers.etag === last.headers.etag
    },
    { timeoutMs: 30_000 },
  )
  return last!
}

describe('cached JSON bodies', () => {
  it('answer the dashboard with a strong ETag, and If-None-Match with 304 and no body', async () => {
    const first = await steadyDashboard()
    expect(first.status).toBe(200)
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers.vary).toBe('Accept-Encoding')
    expect(first.headers['content-encoding']).toBeUndefined()

    const again = await rawGet('/analytics/dashboard', {
      ...viewer,
      'If-None-Match': first.headers.etag!,
    })
    expect(again.status).toBe(304)
    expect(again.body.byteLength).toBe(0)
    expect(again.headers.etag).toBe(first.headers.etag)
    expect(again.headers.vary).toBe('Accept-Encoding')
  })

  it('keep the security, request id and rate-limit headers on a 304', async () => {
    const first = await steadyDashboard()
    const again = await rawGet('/analytics/dashboard', {
      ...viewer,
      'If-None-Match': `W/${first.headers.etag!}`,
    })
    expect(again.status).toBe(304)
    for (const name of [
      'cache-control',
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
    ]) {
      expect(again.headers[name], name).toBe(first.headers[name])
    }
    expect(again.headers['cache-control']).toBe('no-store')
    expect(again.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(again.headers['ratelimit-remaining']).toMatch(/^\d+$/)
  })

  it('keep every header without a socket too (app.request, hono headers)', async () => {
    const first = await app.request('/performance/status', { headers: viewer })
    expect(first.status).toBe(200)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await app.request('/performance/status', {
      headers: { ...viewer, 'If-None-Match': etag },
    })
    // The snapshot may have moved on (uptime): either way the headers are all there.
    expect([200, 304]).toContain(again.status)
    for (const response of [first, again]) {
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('ratelimit-limit')).toMatch(/^\d+$/)
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
      expect(response.headers.get('vary')).toBe('Accept-Encoding')
    }
    expect(first.headers.get('content-type')).toBe('application/json')
  })

  it('send gzip and br that decode to the identity JSON, each with its own ETag', async () => {
    const identity = await steadyDashboard()
    expect(identity.body.byteLength).toBeGreaterThanOrEqual(1024)
    const gzip = await rawGet('/analytics/dashboard', { ...viewer, 'Accept-Encoding': 'gzip' })
    const br = await rawGet('/analytics/dashboard', {
      ...viewer,
      'Accept-Encoding': 'gzip;q=0.5, br;q=1',
    })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(br.headers['content-encoding']).toBe('br')
    expect(gzip.headers.vary).toBe('Accept-Encoding')
    expect(gzip.body.byteLength).toBeLessThan(identity.body.byteLength)
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(
      JSON.parse(identity.body.toString()),
    )
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(
      JSON.parse(identity.body.toString()),
    )
    expect(new Set([identity.headers.etag, gzip.headers.etag, br.headers.etag]).size).toBe(3)
    // fetch (undici) decodes what it asked for to the same JSON.
    const decoded = await fetch(`${server.url}/analytics/dashboard`, {
      headers: { ...viewer, 'Accept-Encoding': 'br' },
    })
    expect(await decoded.json()).toEqual(JSON.parse(identity.body.toString()))
  })

  it('honour a refused coding: gzip;q=0 and no br means identity', async () => {
    const refused = await rawGet('/analytics/dashboard', {
      ...viewer,
      'Accept-Encoding': 'gzip;q=0, deflate',
    })
    expect(refused.status).toBe(200)
    expect(refused.headers['content-encoding']).toBeUndefined()
    expect(() => JSON.parse(refused.body.toString()) as unknown).not.toThrow()
  })

  it('do not compress a body under 1 KiB, even when asked to', async () => {
    // The rule on the wire: a body is compressed exactly when its identity form reaches 1 KiB.
    // Checked on every encoded JSON route the test can reach, whose sizes move as fields are added.
    const sizes: number[] = []
    for (const [path, headers] of [
      ['/health', {}],
      ['/performance/status', viewer],
    ] as const) {
      const identity = await rawGet(path, headers)
      const asked = await rawGet(path, { ...headers, 'Accept-Encoding': 'gzip, br' })
      expect(asked.status).toBe(200)
      expect(asked.headers.vary).toBe('Accept-Encoding')
      const small = identity.body.byteLength < 1024
      expect(asked.headers['content-encoding']).toBe(small ? undefined : 'br')
      if (small) expect(asked.body.equals(identity.body)).toBe(true)
      sizes.push(identity.body.byteLength)
    }
    // /health is the small one: keep at least one body under the threshold in the check.
    expect(Math.min(...sizes)).toBeLessThan(1024)
  })

  it('do not compress without Accept-Encoding', async () => {
    const plain = await rawGet('/analytics/dashboard', viewer)
    expect(plain.body.byteLength).toBeGreaterThanOrEqual(1024)
    expect(plain.headers['content-encoding']).toBeUndefined()
  })

  it('give the dashboard a new ETag once the cache was cleared', async () => {
    const before = await steadyDashboard()
    const cleared = await fetch(`${server.url}/performance/cache/clear`, {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(cleared.status).toBe(200)
    const after = await rawGet('/analytics/dashboard', {
      ...viewer,
      'If-None-Match': before.headers.etag!,
    })
    expect(after.status).toBe(200)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    const cold = JSON.parse(after.body.toString()) as {
      timing: { cached: Record<string, boolean> }
    }
    expect(Object.values(cold.timing.cached)).toContain(false)
  })

  it('answer /performance/status with an ETag and 304, and a new ETag for a new snapshot', async () => {
    const first = await rawGet('/performance/status', viewer)
    expect(first.status).toBe(200)
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers['cache-control']).toBe('no-store')
    const same = await rawGet('/performance/status', {
      ...viewer,
      'If-None-Match': first.headers.etag!,
    })
    // A snapshot lives 100 ms: the same tag is a 304, a newer one (uptime moved) a 200.
    if (same.status === 304) expect(same.body.byteLength).toBe(0)
    let latest = first
    await waitFor(
      async () => {
        latest = await rawGet('/performance/status', {
          ...viewer,
          'If-None-Match': first.headers.etag!,
        })
        return latest.status === 200
      },
      { timeoutMs: 10_000 },
    )
    expect(latest.headers.etag).not.toBe(first.headers.etag)
    expect(JSON.parse(latest.body.toString())).toMatchObject({ running: true })
  })

  it('answer HEAD with the headers of GET and no body', async () => {
    const get = await steadyDashboard()
    const head = await rawGet('/analytics/dashboard', viewer, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.byteLength).toBe(0)
    expect(head.headers.etag).toBe(get.headers.etag)
    expect(head.headers['content-length']).toBe(String(get.body.byteLength))
    expect(head.headers['content-type']).toBe('application/json')
  })

  it('serve one body to every principal, and none without a token', async () => {
    const asViewer = await steadyDashboard()
    const asAdmin = await rawGet('/analytics/dashboard', admin)
    expect(asAdmin.headers.etag).toBe(asViewer.headers.etag)
    expect(asAdmin.body.equals(asViewer.body)).toBe(true)
    const anonymous = await rawGet('/analytics/dashboard', {
      'If-None-Match': asViewer.headers.etag!,
    })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.etag).toBeUndefined()
  })
})

describe('cached JSON bodies behind CORS', () => {
  it('vary on Origin and Accept-Encoding both', async () => {
    const { app: corsApp, secret } = await makeApp({
      config: { server: { cors: { origins: ['https://app.example'] } } },
    })
    const corsServer = await listen(corsApp.fetch, { port: 0, host: '127.0.0.1' })
    try {
      const response = await fetch(`${corsServer.url}/performance/status`, {
        headers: { ...bearer(await hsToken(secret)), Origin: 'https://app.example' },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')
      const vary = (response.headers.get('vary') ?? '').split(',').map((name) => name.trim())
      expect(vary).toEqual(expect.arrayContaining(['Origin', 'Accept-Encoding']))
      expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/)
    } finally {
      await corsServer.close(1_000)
    }
  })
})
