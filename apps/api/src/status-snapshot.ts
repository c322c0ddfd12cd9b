import type { Optimizer, OptimizerStatus } from '@bi-perf/core'

/**
 * `optimizer.status()`, reused for up to `maxAge` ms (and recomputed at once after a profile
 * change). The status is built from samples taken once a second, but assembling it reads the
 * process memory (`process.memoryUsage()`), which cost a quarter of the CPU of a
 * `/performance/status` request under load; load balancers and dashboards poll these routes.
 *
 * @example
 * const status = memoizedStatus(optimizer)
 * app.get('/performance/status', (c) => c.json(status()))
 */
export function memoizedStatus(optimizer: Optimizer, maxAge = 100): () => OptimizerStatus {
  let cached: OptimizerStatus | undefined
  let at = -Infinity
  return () => {
    const now = Date.now()
    if (!cached || now - at >= maxAge || cached.profile !== optimizer.profile) {
      cached = optimizer.status()
      at = now
    }
    return cached
  }
}
