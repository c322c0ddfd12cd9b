/**
 * Every series a {@link MetricsHistory} keeps, with the unit of its points. Interval series are
 * derived from two consecutive records (counters are cumulative, so a point is the change over
 * the interval between them); gauges are read from one record. A series gets no point when its
 * component is absent or the figure is not available.
 *
 * @example
 * for (const [name, unit] of Object.entries(METRIC_SERIES)) console.log(name, unit)
 */
export const METRIC_SERIES = {
  /** Interval: `hits / (hits + misses)`; no point when nothing was looked up. */
  'cache.hitRate': 'ratio',
  /** Interval: lookups (hits plus misses) per second. */
  'cache.lookups': 'per second',
  /** Interval: in-process entries pushed out by the entry or byte bound, per second. */
  'cache.l1.evictionsPerSecond': 'per second',
  /** Interval: values the in-process tier stored (`l1.sets`), per second; none when it is off. */
  'cache.l1.writesPerSecond': 'per second',
  /**
   * Interval: in-process entries removed by deletes, clears and invalidations (`l1.deletes`, this
   * instance's and other instances'), per second; none when the tier is off.
   */
  'cache.l1.removalsPerSecond': 'per second',
  /** Gauge: `l1.bytes / l1.maxBytes`; no point when the in-process tier is off. */
  'cache.l1.fill': 'ratio',
  /** Interval: failed Redis commands (timeouts included) per second; no point without Redis. */
  'cache.l2.errorsPerSecond': 'per second',
  /** Gauge: 1 while the Redis circuit breaker is not closed (open or half-open), else 0. */
  'cache.l2.breakerOpen': 'flag',
  /** Gauge: p99 of Redis command latency; no point before the first measured command. */
  'cache.l2.p99Ms': 'ms',
  /** Interval: values stored compressed. */
  'cache.compressed': 'count',
  /** Interval: bytes saved by compression per value compressed; no point when none was. */
  'cache.bytesSavedPerCompressed': 'bytes',
  /** Gauge: callers waiting for a pool connection. */
  'db.pool.waiting': 'count',
  /**
   * Gauge: connections checked out plus callers waiting for one: the demand the pool's `max` is
   * forecast against.
   */
  'db.pool.inUse': 'count',
  /** Gauge: `active / max` of the pool. */
  'db.pool.saturation': 'ratio',
  /** Interval: checkouts that failed with `PoolTimeoutError`, per second. */
  'db.pool.acquireTimeoutsPerSecond': 'per second',
  /** Interval: statements run per second. */
  'db.queries.perSecond': 'per second',
  /**
   * Interval: queries slower than `slowQueryMs` per second, counted from the entries of
   * `queries.slow` newer than the newest one the previous record held (the database keeps no
   * counter of them). Undercounts when more slow queries finish in one interval than the list
   * keeps (`maxSlowQueries`).
   */
  'db.queries.slowPerSecond': 'per second',
  /** Interval: `db.cached()` hits / (hits + misses); no point when nothing was asked. */
  'db.queryCache.hitRate': 'ratio',
  /** Interval: `db.cached()` results stored, per second. */
  'db.queryCache.storedPerSecond': 'per second',
  /** Interval: `db.cached()` results dropped by writes to their tables, per second. */
  'db.queryCache.invalidationsPerSecond': 'per second',
  /** Gauge: tasks waiting or delayed. */
  'tasks.backlog': 'count',
  /** Interval: `failed / (completed + failed)` of the attempts this process finished. */
  'tasks.failureRate': 'ratio',
  /** Gauge: this worker's concurrency. */
  'tasks.concurrency': 'count',
  /** Gauge: 1 while a worker runs at the autoscaler's maximum concurrency, else 0. */
  'tasks.atMax': 'flag',
  /**
   * Gauge: mean wait from ready to start of the last 1,000 attempts (the queue status has no
   * oldest-waiting figure).
   */
  'tasks.waitMs': 'ms',
  /** Gauge: V8 heap used, bytes (the heap forecast fits its lower envelope). */
  'memory.heapUsedBytes': 'bytes',
  /**
   * Interval: share of the interval's wall time spent in garbage-collection pauses (all kinds),
   * from the memory manager's cumulative pause time.
   */
  'memory.gcPauseShare': 'ratio',
  /** Gauge: heap used / heap limit, as the memory manager defines its limits. */
  'memory.heapRatio': 'ratio',
  /** Interval: 1 when the memory manager raised a leak suspicion during the interval, else 0. */
  'memory.leakSuspected': 'flag',
  /** Gauge: CPU busy share over all cores, percent; one point per monitor sample. */
  'system.cpu': 'percent',
  /** Gauge: physical memory in use, percent; one point per monitor sample. */
  'system.memoryUsedPercent': 'percent',
  /** Gauge: the fullest filesystem's use, percent; one point per monitor sample. */
  'system.diskUsedPercent': 'percent',
  /** Gauge: p99 event-loop delay of the last monitor interval; one point per monitor sample. */
  'system.loopDelayP99Ms': 'ms',
} as const

/** Name of a series of {@link METRIC_SERIES}. */
export type MetricSeriesName = keyof typeof METRIC_SERIES

/**
 * Gauge, one series per mounted filesystem: bytes used, one point per filesystem reading of the
 * monitor (every `filesystemInterval`), e.g. `system.disk.usedBytes:/var`.
 */
export type DiskUsedSeriesName = `system.disk.usedBytes:${string}`

/**
 * The name of a filesystem's used-bytes series.
 *
 * @example
 * history.points(diskUsedSeries('/var'), 15 * 60_000)
 */
export function diskUsedSeries(mount: string): DiskUsedSeriesName {
  return `system.disk.usedBytes:${mount}`
}
