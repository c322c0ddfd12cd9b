import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { AppEnv } from '../types.js'
import { HttpError } from './errors.js'
import { writeHeader } from './node-headers.js'
import type { BucketPolicy, RateLimitStore } from './rate-limit-store.js'

/** Options of {@link rateLimit}. */
export interface RateLimitOptions extends BucketPolicy {
  store: RateLimitStore
  logger: Logger
  /**
   * Least time between two "store failed" warnings, so a Redis outage logs a line, not a flood.
   * @default 30_000
   */
  warnEvery?: number
}

/**
 * Limits requests per token subject and role (per client address for callers without a valid
 * token) with a token bucket, and sets `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
 * `RateLimit-Policy` on every response it passes; a 429 adds `Retry-After`.
 *
 * When the store fails (Redis down or slow) the request is let through (fail open) with a
 * warning: losing Redis must not take the API down with it.
 *
 * @example
 * app.use('/performance/*', auth.identify, rateLimit({ store, limit: 300, windowMs: 60_000, logger }))
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const policy = `${options.limit};w=${Math.ceil(options.windowMs / 1000)}`
  const limit = String(options.limit)
  const warnEvery = options.warnEvery ?? 30_000
  let lastWarning = -Infinity

  return async (c, next) => {
    writeHeader(c, 'RateLimit-Limit', limit)
    writeHeader(c, 'RateLimit-Policy', policy)
    let decision
    try {
      decision = await options.store.take(callerId(c))
    } catch (error) {
      const now = Date.now()
      if (now - lastWarning >= warnEvery) {
        lastWarning = now
        options.logger.warn(
          { err: error, store: options.store.kind },
          'rate limiter store failed; letting requests through until it recovers',
        )
      }
      await next()
      return
    }
    writeHeader(c, 'RateLimit-Remaining', String(decision.remaining))
    writeHeader(c, 'RateLimit-Reset', String(decision.resetSeconds))
    if (!decision.allowed) {
      throw new HttpError(
        429,
        'E_API_RATE_LIMITED',
        `rate limit of ${options.limit} requests per ${Math.ceil(options.windowMs / 1000)} s reached; retry in ${decision.retryAfterSeconds} s`,
        {
          limit: options.limit,
          windowSeconds: Math.ceil(options.windowMs / 1000),
          retryAfterSeconds: decision.retryAfterSeconds,
        },
        { 'Retry-After': String(decision.retryAfterSeconds) },
      )
    }
    await next()
  }
}

/**
 * Who a bucket (or a stream slot) belongs to: `sub:<role>:<subject>` for a verified token, so a
 * viewer and an admin sharing a `sub` never drain each other's quota, and `ip:<address>`
 * otherwise; long ids are hashed.
 *
 * @example
 * callerId(c) // 'sub:viewer:alice'
 */
export function callerId(c: Context<AppEnv>): string {
  const auth = c.get('auth')
  const id = auth ? `sub:${auth.role}:${auth.subject}` : `ip:${clientAddress(c)}`
  return id.length > 100 ? `h:${createHash('sha256').update(id).digest('base64url')}` : id
}

/**
 * The TCP peer's address. `X-Forwarded-For` is not trusted: anyone can send it. Behind a proxy
 * every caller without a token shares the proxy's bucket.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}
