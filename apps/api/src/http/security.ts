import type { ServerResponse } from 'node:http'
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { writeHeader } from './node-headers.js'

/** The Content-Security-Policy of the pages: the dashboard and /docs. */
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
 * The headers of HTML pages: what hono's secureHeaders middleware sets by default, with our CSP
 * and `Referrer-Policy: no-referrer`.
 */
export const PAGE_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
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
 * The headers of every other response (JSON, Prometheus text, event streams), as the OWASP REST
 * Security Cheat Sheet lists them for APIs. The page-only headers (opener and agent-cluster
 * isolation, XSS auditor, DNS prefetch, IE downloads) mean nothing to a JSON body, and each header
 * costs every response: the twelve page headers took a quarter off a small response's throughput.
 * `no-store` keeps authenticated figures out of shared caches; the CSP forbids everything, should a
 * browser ever render a body.
 */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
]

/** Whether a path is one of the HTML pages (or their assets): the dashboard and /docs. */
function isPage(path: string): boolean {
  return (
    path === '/' || path.startsWith('/dashboard/') || path === '/docs' || path.startsWith('/docs/')
  )
}

/**
 * Security headers for every response, written straight to Node's response (see
 * {@link writeHeader}): {@link PAGE_SECURITY_HEADERS} for the dashboard and /docs, whose CSP allows
 * scripts, styles and connections to this origin only (they load their scripts as files from
 * here: no inline script, no CDN, so an injected `<script>` cannot run; inline styles are allowed
 * because charts set them), {@link API_SECURITY_HEADERS} for everything else. A route may set its
 * own `Cache-Control`: hono's headers win over these.
 *
 * @example
 * app.use(securityHeaders())
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    const headers = isPage(c.req.path) ? PAGE_SECURITY_HEADERS : API_SECURITY_HEADERS
    for (const [name, value] of headers) writeHeader(c, name, value)
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
  const middleware = cors({
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
  return async (c, next) => {
    // A preflight is answered by cors itself, with the response it returns.
    const preflight = await middleware(c, next)
    if (preflight) return preflight
    // hono's cors adds `Vary: Origin` to hono's headers, which replace a `Vary` written straight
    // to Node's response (`Vary: Accept-Encoding` of a cached body): carry that one over.
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
    const nodeVary = outgoing?.headersSent === false ? outgoing.getHeader('vary') : undefined
    if (typeof nodeVary === 'string') c.header('Vary', nodeVary, { append: true })
  }
}
