import { request } from 'node:http'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  postgresUrl,
  freePort,
  hsToken,
  newSecret,
  redisUrl,
  uniqueName,
  waitFor,
} from './helpers.js'
import { buildApiBundle, killApiProcesses, spawnApi } from './api-process.js'

// The built server (`dist/main.js`), as `pnpm start` runs it. Built here so the test never runs a
// stale bundle; workspace packages resolve to their sources (`@bi-perf/source` + tsx), so only
// this app needs building.
beforeAll(buildApiBundle, 120_000)
afterAll(killApiProcesses)

/** Starts `node dist/main.js` with only the given environment (plus PATH/HOME). */
const startServer = (env: Record<string, string>) =>
  spawnApi(env, { entry: 'dist/main.js', loopback: false })

/** A GET on a fresh connection (no keep-alive pool), resolving to the status or the error code. */
function probe(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
    req.end()
  })
}

async function inFlight(url: string, metricsToken: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, {
    headers: { Authorization: `Bearer ${metricsToken}` },
  })
  const text = await response.text()
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('bi_perf_http_requests_in_flight '))
  return Number(line?.split(' ')[1] ?? 0)
}

describe('bi-perf-api process', () => {
  const prefix = uniqueName('e2e')
  afterAll(async () => {
    const redis = new Redis(redisUrl())
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  it('serves over HTTP with Redis and Postgres, and drains an in-flight request on SIGTERM', async () => {
    const secret = newSecret()
    const metricsToken = newSecret()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = await startServer({
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl(),
      DATABASE_URL: postgresUrl(),
      BI_PERF_JWT_SECRET: secret,
      BI_PERF_SERVER_METRICS_TOKEN: metricsToken,
      BI_PERF_REDIS_PREFIX: prefix,
      BI_PERF_TASKS_QUEUE: prefix,
    })
    await waitFor(() => server.stdout().includes('bi-perf-api listening on'), { timeoutMs: 30_000 })
    const startLines = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes(`listening on ${url}`))
    expect(startLines).toHaveLength(1)

    const viewer = await hsToken(secret)
    const status = await fetch(`${url}/performance/status`, {
      headers: { Authorization: `Bearer ${viewer}` },
    })
    expect(status.status).toBe(200)
    // Over a socket these headers go straight to Node's response: check they arrive with hono's.
    expect(status.headers.get('content-type')).toBe('application/json')
    expect(status.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
    expect(status.headers.get('cache-control')).toBe('no-store')
    expect(status.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(status.headers.get('ratelimit-limit')).toBe('300')
    expect(status.headers.get('ratelimit-remaining')).toBe('299')
    expect(await status.json()).toMatchObject({ running: true, state: 'ok' })
    const unauthorized = await fetch(`${url}/performance/status`, {
      headers: { 'X-Request-Id': 'e2e-401' },
    })
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.headers.get('x-request-id')).toBe('e2e-401')
    expect(unauthorized.headers.get('www-authenticate')).toContain('missing bearer token')
    expect(unauthorized.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)

    // A slow upload: headers and half the body now, the rest after SIGTERM.
    const admin = await hsToken(secret, { role: 'admin' })
    const body = JSON.stringify({ pattern: `${prefix}-none:*` })
    let slowRequest: ReturnType<typeof request> | undefined
    const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${url}/performance/cache/clear`,
        {
          method: 'POST',
          agent: false,
          headers: {
            Authorization: `Bearer ${admin}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = ''
          response.on('data', (chunk: Buffer) => (text += chunk.toString()))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.write(body.slice(0, 10))
      slowRequest = req
    })
    // The scrape counts itself, so 2 means the upload is inside the app.
    await waitFor(async () => (await inFlight(url, metricsToken)) >= 2, { timeoutMs: 10_000 })

    server.child.kill('SIGTERM')
    await waitFor(async () => (await probe(`${url}/health/live`)) === 'ECONNREFUSED', {
      timeoutMs: 10_000,
    })
    slowRequest?.end(body.slice(10))

    const answer = await slow
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ removed: 0 })
    expect(await server.exit).toBe(0)
    expect(server.stdout()).not.toContain(secret)
    expect(server.stdout()).not.toContain(admin)
    expect(server.stdout()).not.toContain(metricsToken)
    expect(server.stdout()).toContain('"msg":"stopped"')
  }, 60_000)

  it('refuses to start in production without auth, with one clear line and exit code 1', async () => {
    const server = await startServer({
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      DATABASE_URL: postgresUrl(),
    })
    expect(await server.exit).toBe(1)
    expect(server.stderr().trim().split('\n')).toEqual([
      'bi-perf-api: refusing to start: production (NODE_ENV="production") and no auth configured; set BI_PERF_JWT_SECRET, BI_PERF_JWT_PUBLIC_KEY or BI_PERF_JWKS_URL, or NODE_ENV=development for a throwaway development token',
    ])
  }, 30_000)

  it('exits 1 naming the setting when the configuration is invalid', async () => {
    const server = await startServer({
      NODE_ENV: 'production',
      PORT: 'eighty',
      BI_PERF_JWT_SECRET: newSecret(),
    })
    expect(await server.exit).toBe(1)
    expect(server.stderr()).toContain('server.port')
  }, 30_000)

  it('in development without auth, logs one dashboard URL whose admin token works', async () => {
    const port = await freePort()
    const server = await startServer({
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: postgresUrl(),
      BI_PERF_REDIS_PREFIX: prefix,
      BI_PERF_TASKS_QUEUE: prefix,
    })
    await waitFor(() => server.stdout().includes('#token='), { timeoutMs: 30_000 })
    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('#token='))
    expect(lines).toHaveLength(1)
    const token = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w.-]+)/.exec(lines[0] ?? '')
    expect(token?.[1]).toBe(String(port))
    const response = await fetch(`http://127.0.0.1:${port}/performance/optimize/memory`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token?.[2]}` },
    })
    expect(response.status).toBe(200)
    server.child.kill('SIGINT')
    expect(await server.exit).toBe(0)
  }, 60_000)
})
