import { LogHistogram } from './log-histogram.js'
import type { HistogramBucket, PoolStats } from './types.js'

const BUCKET_BOUNDS = [0.1, 1, 5, 10, 50, 100, 500, 1000, 5000]

/** Counters and the acquire-wait histogram shared by both connection sources. */
export class PoolMetrics {
  acquired = 0
  acquireTimeouts = 0
  connectionsCreated = 0
  connectionsFailed = 0
  idleErrors = 0
  readonly #wait = new LogHistogram()
  readonly #buckets = new Uint32Array(BUCKET_BOUNDS.length + 1)

  recordWait(ms: number) {
    this.#wait.record(ms)
    let index = BUCKET_BOUNDS.findIndex((bound) => ms <= bound)
    if (index === -1) index = BUCKET_BOUNDS.length
    this.#buckets[index]!++
  }

  stats(pool: {
    max: number
    min: number
    total: number
    idle: number
    waiting: number
  }): PoolStats {
    const active = Math.max(0, pool.total - pool.idle)
    return {
      ...pool,
      active,
      saturation: pool.max === 0 ? 0 : Math.min(1, active / pool.max),
      acquired: this.acquired,
      acquireTimeouts: this.acquireTimeouts,
      connectionsCreated: this.connectionsCreated,
      connectionsFailed: this.connectionsFailed,
      idleErrors: this.idleErrors,
      acquireWaitMs: this.#wait.summary(),
      acquireWaitHistogram: [...this.#buckets].map((count, index): HistogramBucket => ({
        leMs: BUCKET_BOUNDS[index] ?? null,
        count,
      })),
    }
  }
}
