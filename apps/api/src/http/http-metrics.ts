import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { RequestRecord } from './access-log.js'

/** The HTTP server's own Prometheus metrics. */
export interface HttpMetrics {
  start(): void
  end(record: RequestRecord): void
}

/**
 * Registers `bi_perf_http_requests_total`, `bi_perf_http_request_duration_seconds` and
 * `bi_perf_http_requests_in_flight` in `registry`, labelled by route pattern (not raw path, so
 * ids in paths cannot blow up cardinality).
 *
 * @example
 * const metrics = createHttpMetrics(registry)
 * app.use(accessLog(logger, metrics))
 */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'bi_perf_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'bi_perf_http_request_duration_seconds',
    help: 'Time to the response headers, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const inFlight = new Gauge({
    name: 'bi_perf_http_requests_in_flight',
    help: 'HTTP requests being handled now (event streams count until their headers are sent)',
    registers: [registry],
  })
  return {
    start: () => inFlight.inc(),
    end(record) {
      inFlight.dec()
      requests.inc({ method: record.method, route: record.route, status: String(record.status) })
      duration.observe({ method: record.method, route: record.route }, record.durationMs / 1000)
    },
  }
}
