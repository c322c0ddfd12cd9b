import type { OptimizerMetrics } from '@bi-perf/core'

/**
 * The handful of figures an operator looks at first, flat and stable for `--json`. A figure is
 * `null` when its component is disabled or has not sampled yet.
 */
export interface KeyFigures {
  /** Cache hits / lookups since start, 0–1. */
  cacheHitRate: number | null
  cacheL1Entries: number | null
  cacheL1Bytes: number | null
  /** Redis connection state, `null` without Redis. */
  cacheL2Connection: string | null
  cacheL2LatencyP95Ms: number | null
  dbBackend: string | null
  dbPoolActive: number | null
  dbPoolMax: number | null
  dbPoolWaiting: number | null
  dbQueries: number | null
  dbCacheHitRate: number | null
  taskBacklog: number | null
  taskActive: number | null
  taskFailed: number | null
  taskThroughputPerMinute: number | null
  taskConcurrency: number | null
  heapUsedBytes: number | null
  heapLimitBytes: number | null
  rssBytes: number | null
  memoryLevel: string | null
  /** System CPU busy share, percent. */
  cpuPercent: number | null
  /** System memory in use, percent. */
  systemMemoryPercent: number | null
  /** Event-loop delay p99 of the sampled process, ms. */
  loopDelayP99Ms: number | null
}

/**
 * Key figures of one metrics object.
 *
 * @example
 * const figures = keyFigures(await source.metrics())
 */
export function keyFigures(metrics: OptimizerMetrics): KeyFigures {
  const { cache, db, tasks, memory, system } = metrics
  return {
    cacheHitRate: cache?.hitRate ?? null,
    cacheL1Entries: cache?.l1.enabled ? cache.l1.entries : null,
    cacheL1Bytes: cache?.l1.enabled ? cache.l1.bytes : null,
    cacheL2Connection: cache?.l2?.connection ?? null,
    cacheL2LatencyP95Ms: cache?.l2?.latencyMs.p95 ?? null,
    dbBackend: db?.backend ?? null,
    dbPoolActive: db?.pool.active ?? null,
    dbPoolMax: db?.pool.max ?? null,
    dbPoolWaiting: db?.pool.waiting ?? null,
    dbQueries: db?.queries.executed ?? null,
    dbCacheHitRate: db?.cache.hitRate ?? null,
    taskBacklog: tasks?.counts.backlog ?? null,
    taskActive: tasks?.counts.active ?? null,
    taskFailed: tasks?.counts.failed ?? null,
    taskThroughputPerMinute: tasks?.throughputPerMinute ?? null,
    taskConcurrency: tasks?.concurrency ?? null,
    heapUsedBytes: memory?.heap.used ?? system?.process?.heap.used ?? null,
    heapLimitBytes: memory?.heap.limit ?? system?.process?.heap.limit ?? null,
    rssBytes: memory?.heap.rss ?? system?.process?.rss ?? null,
    memoryLevel: memory?.level ?? null,
    cpuPercent: system?.cpu?.total ?? null,
    systemMemoryPercent: system?.memory?.usedPercent ?? null,
    loopDelayP99Ms: system?.eventLoop?.delay.p99 ?? null,
  }
}
