import { timingSafeEqual, createHash } from 'node:crypto'
import { Hono } from 'hono'
import type { Registry } from 'prom-client'
import { unauthorized } from '../auth/token-failure.js'
import type { AppEnv } from '../types.js'

/**
 * `GET /metrics`: Prometheus text of `registry` (every `bi_perf_*` gauge of the optimizer, the
 * HTTP metrics and the process defaults). Open, unless `metricsToken` is set: then it needs
 * `Authorization: Bearer <metricsToken>` (compared in constant time).
 *
 * @example
 * app.route('/metrics', prometheusRoutes(registry, config.server.metricsToken))
 */
export function prometheusRoutes(registry: Registry, metricsToken?: string) {
  const expected = metricsToken ? digest(metricsToken) : undefined
  return new Hono<AppEnv>().get('/', async (c) => {
    if (expected) {
      const header = c.req.header('authorization') ?? ''
      const match = /^Bearer +(\S+) *$/i.exec(header)
      if (!match?.[1]) throw unauthorized('missing bearer token')
      if (!timingSafeEqual(digest(match[1]), expected)) throw unauthorized('bad metrics token')
    }
    const text = await registry.metrics()
    return c.body(text, 200, { 'Content-Type': registry.contentType })
  })
}

// Hashing first makes the comparison constant-time regardless of the tokens' lengths.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
