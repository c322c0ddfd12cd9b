import { timingSafeEqual, createHash } from 'node:crypto'
import { Hono } from 'hono'
import { Counter, type Registry } from 'prom-client'
import { unauthorized } from '../auth/token-failure.js'
import { stdoutLogStats } from '../logger.js'
import type { AppEnv } from '../types.js'

/** Who may read `GET /metrics`. */
export interface MetricsAccess {
  /** `server.metricsToken`: when set, the request must carry it as a bearer token. */
  token?: string | undefined
  /**
   * Without a token, answer 401 instead of serving the text: the page shows the Node version,
   * mounts, devices and memory, which production must not hand to anyone who asks.
   * @default false
   */
  closedWithoutToken?: boolean
}

/** Log lines the process dropped because stdout's reader fell behind (see `stdoutLog`). */
const LOG_LINES_DROPPED = 'bi_perf_log_lines_dropped_total'

/**
 * `GET /metrics`: Prometheus text of `registry` (every `bi_perf_*` gauge of the optimizer, the
 * HTTP metrics, `bi_perf_log_lines_dropped_total` and the process defaults). With `token` set
 * it needs `Authorization: Bearer <token>` (compared in constant time); without one it is open,
 * or, with `closedWithoutToken` (production), always 401 naming the setting to configure.
 *
 * @example
 * app.route('/metrics', prometheusRoutes(registry, { token: config.server.metricsToken }))
 */
export function prometheusRoutes(registry: Registry, access: MetricsAccess = {}) {
  const expected = access.token ? digest(access.token) : undefined
  if (!registry.getSingleMetric(LOG_LINES_DROPPED)) {
    new Counter({
      name: LOG_LINES_DROPPED,
      help: 'Log lines dropped because the reader of stdout fell behind or went away',
      registers: [registry],
      collect() {
        // A process-wide count: a counter that only moves forward, set from the source of truth.
        this.reset()
        this.inc(stdoutLogStats().dropped)
      },
    })
  }
  return new Hono<AppEnv>().get('/', async (c) => {
    if (expected) {
      const header = c.req.header('authorization') ?? ''
      const match = /^Bearer +(\S+) *$/i.exec(header)
      if (!match?.[1]) throw unauthorized('missing bearer token')
      if (!timingSafeEqual(digest(match[1]), expected)) throw unauthorized('bad metrics token')
    } else if (access.closedWithoutToken) {
      throw unauthorized('GET /metrics is closed in production until server.metricsToken is set')
    }
    const text = await registry.metrics()
    return c.body(text, 200, { 'Content-Type': registry.contentType })
  })
}

// Hashing first makes the comparison constant-time regardless of the tokens' lengths.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
