// The honest peer of bench/http.ts: the features of our /performance/status assembled by hand
// from stock parts, as a team would without our stack — hono/request-id, hono/secure-headers set
// to the same OWASP REST headers, a pino access line per request (pino's asynchronous
// destination on stdout, which the bench points at /dev/null like ours), prom-client's
// counter and histogram by method, route and status, hono/jwt with HS256 pinned, and
// `c.json()` of the same status body per request. No rate limiter: hono ships none.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { jwt } from 'hono/jwt'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import { secureHeaders } from 'hono/secure-headers'
import pino from 'pino'
import { Counter, Histogram, Registry } from 'prom-client'

const secret = process.env.BENCH_JWT_SECRET
const statusJson = process.env.BENCH_STATUS_BODY
if (!secret || !statusJson) throw new Error('BENCH_JWT_SECRET and BENCH_STATUS_BODY are required')
const status = JSON.parse(statusJson) as Record<string, unknown>

const logger = pino(pino.destination({ sync: false }))
const registry = new Registry()
const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
})
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
})

const app = new Hono()
app.use(requestId())
app.use(async (c, next) => {
  const started = performance.now()
  await next()
  const seconds = (performance.now() - started) / 1000
  const route = routePath(c)
  requests.inc({ method: c.req.method, route, status: String(c.res.status) })
  duration.observe({ method: c.req.method, route }, seconds)
  logger.info(
    {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      durationMs: seconds * 1000,
    },
    'request',
  )
})
app.use(
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: 'max-age=15552000; includeSubDomains',
    xContentTypeOptions: true,
    xFrameOptions: 'DENY',
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }),
)
app.use('/performance/*', jwt({ secret, alg: 'HS256' }))
app.get('/performance/status', (c) => c.json(status, 200, { 'Cache-Control': 'no-store' }))

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ port: info.port })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
