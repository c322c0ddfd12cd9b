import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { writeHeader } from './node-headers.js'

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/**
 * The headers hono's secureHeaders middleware sets by default, with our CSP and
 * `Referrer-Policy: no-referrer`. They never vary, so they are written straight to Node's
 * response (see {@link writeHeader}).
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

/**
 * Security headers for every response. The CSP allows scripts, styles and connections to this
 * origin only: the dashboard and /docs load their scripts as files from here (no inline script,
 * no CDN), so an injected `<script>` cannot run. Inline styles are allowed (charts set them).
 *
 * @example
 * app.use(securityHeaders())
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, value] of SECURITY_HEADERS) writeHeader(c, name, value)
    await next()
  }
}

/**
 * CORS for the configured origins only; `undefined` (CORS off, same-origin only) when the list is
 * empty. Tokens travel in `Authorization`, never cookies, so credentials stay off.
 *
 * @example
 * const middleware = corsFor(config.server.cors.origins)
 * if (middleware) app.use(middleware)
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler | undefined {
  if (origins.length === 0) return undefined
  return cors({
    origin: [...origins],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposeHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
    ],
    maxAge: 600,
  })
}
