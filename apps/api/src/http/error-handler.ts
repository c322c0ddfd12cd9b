import { hasErrorCode } from '@bi-perf/core'
import type { Context, ErrorHandler, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import type { AppEnv } from '../types.js'
import { errorBody, HttpError, taskOutage } from './errors.js'

/** Codes for the statuses hono itself may raise (malformed JSON, unsupported media type…). */
const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'E_API_VALIDATION',
  401: 'E_API_UNAUTHORIZED',
  403: 'E_API_FORBIDDEN',
  404: 'E_API_NOT_FOUND',
  405: 'E_API_METHOD_NOT_ALLOWED',
  413: 'E_API_PAYLOAD_TOO_LARGE',
  415: 'E_API_UNSUPPORTED_MEDIA_TYPE',
  429: 'E_API_RATE_LIMITED',
  503: 'E_API_UNAVAILABLE',
}

/**
 * The app's `onError`: caller mistakes and core's typed errors become their 4xx with the one
 * error shape; anything else is logged with the request id and answered with a generic 500 that
 * carries that id and nothing internal.
 */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value)
      return c.json(errorBody(error.code, error.message, error.details), error.status)
    }
    const core = mapCoreError(error)
    if (core) {
      for (const [name, value] of Object.entries(core.headers ?? {})) c.header(name, value)
      return c.json(errorBody(core.code, core.message, core.details), core.status)
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status: ContentfulStatusCode = error.status
      return c.json(
        errorBody(HTTP_CODES[status] ?? 'E_API_BAD_REQUEST', error.message || 'bad request'),
        status,
      )
    }
    const requestId = c.get('requestId')
    logger.error(
      { err: error, requestId, method: c.req.method, path: c.req.path },
      'request failed',
    )
    return c.json(errorBody('E_API_INTERNAL', 'internal error', { requestId }), 500)
  }
}

interface MappedError {
  status: 400 | 404 | 409 | 503
  code: string
  message: string
  details?: unknown
  headers?: Record<string, string>
}

/**
 * Core's typed errors: an unknown profile or a bad argument is the caller's fault (400); a
 * disabled component is a 409, since the route exists but this server's configuration does not
 * run the component. The task queue's outage errors (Redis away) are a 503 with `Retry-After`:
 * the request was fine and may succeed later.
 */
export function mapCoreError(error: unknown): MappedError | undefined {
  // Matched on the stable `code`, not `instanceof`, so two copies of core (src and dist) agree.
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string')
    return undefined
  const outage = taskOutage(error)
  if (outage) {
    return {
      status: 503,
      code: outage.code,
      message: outage.message,
      details: outage.details,
      headers: outage.headers,
    }
  }
  const fields = error as Error & { code: string } & Record<string, unknown>
  // Core's option and duration errors carry the argument code as their legacy code: one 400.
  if (hasErrorCode(error, 'E_CORE_INVALID_ARGUMENT')) {
    return {
      status: 400,
      code: fields.code,
      message: error.message,
      // `argument` is what clients read before the field was named `field` (issue 18).
      details: { field: fields['field'], argument: fields['field'] },
    }
  }
  switch (fields.code) {
    case 'E_CORE_UNKNOWN_PROFILE':
      return {
        status: 400,
        code: fields.code,
        message: error.message,
        details: { validProfiles: fields['validProfiles'] },
      }
    case 'E_CORE_COMPONENT_DISABLED':
      return {
        status: 409,
        code: fields.code,
        message: error.message,
        details: { component: fields['component'] },
      }
    case 'E_CORE_INVALID_CONFIG':
      return {
        status: 400,
        code: fields.code,
        message: error.message,
        details: { issues: fields['issues'] },
      }
    default:
      return undefined
  }
}

/**
 * The app's `notFound`: 405 with `Allow` when the path exists for other methods, else 404, both
 * in the one error shape.
 */
export function createNotFoundHandler(app: Hono<AppEnv>) {
  return (c: Context<AppEnv>) => {
    const allowed = allowedMethods(app, c.req.path)
    // A handler that found nothing (an unknown file name) is a 404 even though the path matches.
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header('Allow', allowed.join(', '))
      return c.json(
        errorBody(
          'E_API_METHOD_NOT_ALLOWED',
          `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}`,
          {
            allowed,
          },
        ),
        405,
      )
    }
    return c.json(errorBody('E_API_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), 404)
  }
}

/** The methods with a route (not a middleware) whose pattern matches `path`. */
function allowedMethods(app: Hono<AppEnv>, path: string): string[] {
  const methods = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL') continue
    if (patternToRegExp(route.path).test(path)) methods.add(route.method)
  }
  if (methods.has('GET')) methods.add('HEAD')
  return [...methods].sort()
}

const patterns = new Map<string, RegExp>()

function patternToRegExp(pattern: string): RegExp {
  let regexp = patterns.get(pattern)
  if (!regexp) {
    const source = pattern
      .split('/')
      .map((part) => {
        if (part === '*') return '.*'
        if (part.startsWith(':')) return '[^/]+'
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('/')
    regexp = new RegExp(`^${source}/?$`)
    patterns.set(pattern, regexp)
  }
  return regexp
}
