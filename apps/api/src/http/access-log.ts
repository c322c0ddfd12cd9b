import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Logger } from 'pino'
import type { AppEnv } from '../types.js'

/** One finished request, as the access log and the HTTP metrics see it. */
export interface RequestRecord {
  method: string
  /** The route pattern (`/performance/optimize/:profile`), or `unmatched`: bounded cardinality. */
  route: string
  status: number
  durationMs: number
}

/**
 * One structured line per request: request id, method, path (never the query string, whose
 * values may be secrets), route, status and duration. Never headers, tokens or bodies.
 * `onRequest` sees every request start and end (for in-flight and latency metrics).
 *
 * @example
 * app.use(accessLog(logger))
 */
export function accessLog(
  logger: Logger,
  hooks: { start?: () => void; end?: (record: RequestRecord) => void } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    hooks.start?.()
    let status = 500
    try {
      await next()
      status = c.res.status
    } finally {
      const record: RequestRecord = {
        method: c.req.method,
        route: routeOf(c),
        status,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      }
      hooks.end?.(record)
      logger.info(
        {
          requestId: c.get('requestId'),
          method: record.method,
          path: c.req.path,
          route: record.route,
          status,
          durationMs: record.durationMs,
        },
        'request',
      )
    }
  }
}

/** The pattern of the handler that answered (the last matched non-middleware route). */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c)
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index]
    if (route && route.method !== 'ALL') return route.path
  }
  return 'unmatched'
}
