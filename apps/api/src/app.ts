import { OpenAPIHono } from '@hono/zod-openapi'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { appRoot } from './app-root.js'
import { createAuthMiddleware } from './auth/require-role.js'
import {
  createTokenVerifier,
  type JwksOptions,
  type VerifiedCacheOptions,
} from './auth/token-verifier.js'
import { accessLog } from './http/access-log.js'
import { limitBody } from './http/body-limit.js'
import { createErrorHandler, createNotFoundHandler } from './http/error-handler.js'
import { errorResponse } from './http/errors.js'
import { createHttpMetrics } from './http/http-metrics.js'
import { rateLimit } from './http/rate-limit.js'
import { requestId } from './http/request-id.js'
import { createMemoryRateLimitStore } from './http/rate-limit-memory.js'
import { createRedisRateLimitStore } from './http/rate-limit-redis.js'
import type { RateLimitStore } from './http/rate-limit-store.js'
import { corsFor, securityHeaders } from './http/security.js'
import { validationHook } from './http/validation-hook.js'
import { analyticsRoutes } from './routes/analytics.js'
import { componentRoutes } from './routes/components.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes } from './routes/health.js'
import { heapSnapshotRoutes } from './routes/heap-snapshot.js'
import { profileRoutes } from './routes/profiles.js'
import { prometheusRoutes } from './routes/prometheus.js'
import { scrapeRoutes } from './routes/scrape.js'
import { statusRoutes } from './routes/status.js'
import { streamRoutes } from './routes/stream.js'
import type { AppEnv, CreateAppOptions, RouteDeps } from './types.js'
import { version } from './version.js'

/** Extra knobs of {@link createApp} beyond the contract's four, mostly for tests. */
export interface AppTuning {
  /** JWKS fetch tunables (cooldown 30 s, timeout 5 s by default). */
  jwks?: JwksOptions
  /** The verified-token cache (1 000 tokens, 60 s by default). */
  verifiedTokens?: VerifiedCacheOptions
  /**
   * Collect Node's process metrics (`process_*`, `nodejs_*`) in `/metrics`.
   * @default true
   */
  processMetrics?: boolean
}

/**
 * Builds the API as a Hono app: JSON routes under `/performance`, health, Prometheus `/metrics`,
 * `/openapi.json` + `/docs`, the dashboard and `/analytics`. Needs no socket: tests call
 * `app.request()`. The app never starts or stops the optimizer.
 *
 * @throws {AuthConfigError} when `config.server.auth` names no key, or a PEM key that is not an
 *   RSA or P-256 public key (the validated config guarantees the rest).
 * @example
 * const optimizer = await createOptimizer(config)
 * await optimizer.start()
 * const app = createApp({ optimizer, config, logger: pino() })
 * serve({ fetch: app.fetch, port: config.server.port })
 */
export function createApp(options: CreateAppOptions & AppTuning) {
  const { optimizer, config, logger } = options
  const environment = options.environment ?? 'production'
  const server = config.server
  const verifier = createTokenVerifier(server.auth, options.jwks, options.verifiedTokens)
  const auth = createAuthMiddleware(verifier)
  const deps: RouteDeps = {
    optimizer,
    config,
    logger,
    environment,
    requireRole: auth.requireRole,
    appRoot,
    demo: options.demo,
  }

  const registry = new Registry()
  const unregister = optimizer.registerPrometheus(registry)
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  options.shutdown?.addEventListener('abort', unregister, { once: true })

  const policy = { limit: server.rateLimit.requests, windowMs: server.rateLimit.window }
  const store: RateLimitStore = optimizer.redis
    ? createRedisRateLimitStore(optimizer.redis, config.redis.prefix, policy)
    : createMemoryRateLimitStore(policy)
  const limited = [auth.identify, rateLimit({ ...policy, store, logger })] as const

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  app.onError(createErrorHandler(logger))
  app.notFound(createNotFoundHandler(app))

  app.use(requestId())
  app.use(accessLog(logger, createHttpMetrics(registry)))
  app.use(securityHeaders())
  const cors = corsFor(server.cors.origins)
  if (cors) app.use(cors)
  app.use(limitBody(server.bodyLimit))
  app.use('/performance/*', ...limited)
  app.use('/analytics/*', ...limited, auth.requireRole('viewer'))
  // Both are public (or token-gated) yet cost a render per request: no free flood for anyone.
  app.use('/metrics', ...limited)
  app.use('/openapi.json', ...limited)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `${verifier.algorithms.join(' or ')} JWT with a role claim of viewer or admin`,
  })

  app.route('/health', healthRoutes(optimizer))
  app.route('/performance', statusRoutes(deps))
  app.route('/performance', profileRoutes(deps))
  app.route('/performance', componentRoutes(deps))
  app.route('/performance', streamRoutes(deps, options.shutdown))
  app.route('/performance', heapSnapshotRoutes(deps))
  const metricsClosed = environment === 'production' && server.metricsToken === undefined
  app.route(
    '/metrics',
    prometheusRoutes(registry, { token: server.metricsToken, closedWithoutToken: metricsClosed }),
  )
  app.route('/docs', docsRoutes())
  app.route('/analytics', analyticsRoutes(deps))
  app.route('/analytics', scrapeRoutes(deps))
  app.route('/', dashboardRoutes(deps))
  registerPlainRoutes(app, server.metricsToken !== undefined || metricsClosed)

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'bi-perf API',
      version,
      description:
        'Performance status, metrics, profiles, cache control and recommendations of a bi-perf optimizer.',
    },
    tags: [
      { name: 'performance' },
      { name: 'cache' },
      { name: 'database' },
      { name: 'tasks' },
      { name: 'analytics' },
      { name: 'health' },
      { name: 'meta' },
    ],
  })
  return app
}

/** Documents the routes that are not zod-openapi routes, so /openapi.json lists every route. */
function registerPlainRoutes(app: OpenAPIHono<AppEnv>, metricsProtected: boolean) {
  const rateLimited = errorResponse('Rate limit reached; see Retry-After')
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['meta'],
    summary: 'Prometheus text exposition of every bi_perf_* metric',
    ...(metricsProtected ? { security: [{ bearerAuth: [] }] } : {}),
    responses: {
      200: {
        description: 'Prometheus text format 0.0.4',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      401: errorResponse(
        'The request lacks server.metricsToken, or production runs without one (always 401)',
      ),
      429: rateLimited,
    },
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['meta'],
    summary: 'This OpenAPI 3.1 document',
    responses: {
      200: {
        description: 'OpenAPI document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      429: rateLimited,
    },
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/docs',
    tags: ['meta'],
    summary: 'Swagger UI',
    responses: {
      200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
    },
  })
}
