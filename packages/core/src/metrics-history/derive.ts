import type { CacheStats } from '@bi-perf/cache'
import type { DatabaseStats } from '@bi-perf/db'
import type { MemoryStats } from '@bi-perf/memory'
import type { MonitorSnapshot } from '@bi-perf/monitor'
import type { TaskQueueStatus } from '@bi-perf/tasks'
import { diskUsedSeries } from './series.js'
import type { DiskUsedSeriesName, MetricSeriesName } from './series.js'
import type { OptimizerMetrics } from '../types.js'

/** Receives one point of one series. */
export type PointSink = (series: MetricSeriesName | DiskUsedSeriesName, value: number) => void

/**
 * Derives the points of one record: gauges from `current` alone, interval series from the change
 * since `previous` (none on the first record, or for a component that was absent before).
 */
export function derivePoints(
  previous: OptimizerMetrics | undefined,
  current: OptimizerMetrics,
  emit: PointSink,
): void {
  const seconds = previous === undefined ? 0 : (current.at - previous.at) / 1_000
  if (current.cache) deriveCache(previous?.cache, current.cache, seconds, emit)
  if (current.db) deriveDatabase(previous?.db, current.db, seconds, emit)
  if (current.tasks) deriveTasks(previous?.tasks, current.tasks, emit)
  if (current.memory) deriveMemory(previous?.memory, current.memory, seconds, emit)
  if (current.system) deriveSystem(previous?.system, current.system, emit)
}

/**
 * Changes of the cumulative counters `pick` reads from both records, or `undefined` when one went
 * backwards: the component was recreated, so its counters start a new baseline rather than yield
 * negative rates.
 */
function counterDeltas<Stats, const Counters extends readonly number[]>(
  previous: Stats,
  current: Stats,
  pick: (stats: Stats) => Counters,
): Counters | undefined {
  const before = pick(previous)
  const deltas = pick(current).map((value, index) => value - before[index]!)
  return deltas.some((delta) => delta < 0) ? undefined : (deltas as unknown as Counters)
}

function deriveCache(
  previous: CacheStats | undefined,
  current: CacheStats,
  seconds: number,
  emit: PointSink,
): void {
  if (current.l1.enabled && current.l1.maxBytes > 0) {
    emit('cache.l1.fill', current.l1.bytes / current.l1.maxBytes)
  }
  if (current.l2) {
    emit('cache.l2.breakerOpen', current.l2.breaker === 'closed' ? 0 : 1)
    if (current.l2.latencyMs.count > 0) emit('cache.l2.p99Ms', current.l2.latencyMs.p99)
  }
  if (!previous || seconds <= 0) return
  const deltas = counterDeltas(previous, current, (stats) => [
    stats.hits,
    stats.misses,
    stats.l1.evictions,
    stats.compression.compressed,
    stats.compression.bytesSaved,
    stats.l1.sets,
    stats.l1.deletes,
  ])
  if (!deltas) return
  const [hits, misses, evictions, compressed, bytesSaved, writes, removals] = deltas
  if (current.l1.enabled) {
    emit('cache.l1.writesPerSecond', writes / seconds)
    emit('cache.l1.removalsPerSecond', removals / seconds)
  }
  const lookups = hits + misses
  if (lookups > 0) emit('cache.hitRate', hits / lookups)
  emit('cache.lookups', lookups / seconds)
  emit('cache.l1.evictionsPerSecond', evictions / seconds)
  emit('cache.compressed', compressed)
  if (compressed > 0) emit('cache.bytesSavedPerCompressed', bytesSaved / compressed)
  if (previous.l2 && current.l2 && current.l2.errors >= previous.l2.errors) {
    emit('cache.l2.errorsPerSecond', (current.l2.errors - previous.l2.errors) / seconds)
  }
}

function deriveDatabase(
  previous: DatabaseStats | undefined,
  current: DatabaseStats,
  seconds: number,
  emit: PointSink,
): void {
  emit('db.pool.waiting', current.pool.waiting)
  emit('db.pool.saturation', current.pool.saturation)
  emit('db.pool.inUse', current.pool.active + current.pool.waiting)
  if (!previous || seconds <= 0) return
  emit('db.queries.slowPerSecond', newSlowQueries(previous, current) / seconds)
  const deltas = counterDeltas(previous, current, (stats) => [
    stats.pool.acquireTimeouts,
    stats.queries.executed,
    stats.cache.hits,
    stats.cache.misses,
    stats.cache.stored,
    stats.cache.invalidations,
  ])
  if (!deltas) return
  const [timeouts, executed, hits, misses, stored, invalidations] = deltas
  emit('db.queryCache.storedPerSecond', stored / seconds)
  emit('db.queryCache.invalidationsPerSecond', invalidations / seconds)
  emit('db.pool.acquireTimeoutsPerSecond', timeouts / seconds)
  emit('db.queries.perSecond', executed / seconds)
  if (hits + misses > 0) emit('db.queryCache.hitRate', hits / (hits + misses))
}

/**
 * Slow queries that finished since the previous record. The database keeps the most recent ones
 * (oldest first) but no counter, so count the entries newer than the newest it held before; when
 * it held none, every entry is new.
 */
function newSlowQueries(previous: DatabaseStats, current: DatabaseStats): number {
  const before = previous.queries.slow.at(-1)
  if (!before) return current.queries.slow.length
  const cutoff = Date.parse(before.at)
  let count = 0
  for (let index = current.queries.slow.length - 1; index >= 0; index--) {
    if (!(Date.parse(current.queries.slow[index]!.at) > cutoff)) break
    count++
  }
  return count
}

function deriveTasks(
  previous: TaskQueueStatus | undefined,
  current: TaskQueueStatus,
  emit: PointSink,
): void {
  emit('tasks.backlog', current.counts.backlog)
  emit('tasks.waitMs', current.averageWaitMs)
  if (current.worker) {
    emit('tasks.concurrency', current.concurrency)
    emit('tasks.atMax', current.concurrency >= current.autoscaler.max ? 1 : 0)
  }
  if (!previous) return
  const deltas = counterDeltas(previous, current, ({ processed }) => [
    processed.completed,
    processed.failed,
  ])
  if (!deltas) return
  const [completed, failed] = deltas
  if (completed + failed > 0) emit('tasks.failureRate', failed / (completed + failed))
}

function deriveMemory(
  previous: MemoryStats | undefined,
  current: MemoryStats,
  seconds: number,
  emit: PointSink,
): void {
  emit('memory.heapRatio', current.heap.ratio)
  emit('memory.heapUsedBytes', current.heap.used)
  if (!previous) return
  const paused = current.gc.pauseMs - previous.gc.pauseMs
  if (seconds > 0 && paused >= 0) emit('memory.gcPauseShare', paused / (seconds * 1_000))
  if (!current.leak.enabled) return
  const raised = current.leak.suspicions - previous.leak.suspicions
  if (raised >= 0) emit('memory.leakSuspected', raised > 0 ? 1 : 0)
}

function deriveSystem(
  previous: MonitorSnapshot | undefined,
  current: MonitorSnapshot,
  emit: PointSink,
): void {
  // The monitor samples on its own clock: a snapshot seen before is not a new point, or one
  // sample read five times would look like five.
  if (previous && previous.timestamp === current.timestamp) return
  if (current.cpu) emit('system.cpu', current.cpu.total)
  if (current.memory) emit('system.memoryUsedPercent', current.memory.usedPercent)
  const filesystems = current.filesystems?.entries ?? []
  if (filesystems.length > 0) {
    emit('system.diskUsedPercent', Math.max(...filesystems.map((entry) => entry.usedPercent)))
  }
  if (current.eventLoop) emit('system.loopDelayP99Ms', current.eventLoop.delay.p99)
  // Filesystems are read less often than the rest; repeating a reading would fake a flat trend.
  if (current.filesystems && current.filesystems.sampledAt !== previous?.filesystems?.sampledAt) {
    for (const entry of filesystems) emit(diskUsedSeries(entry.mount), entry.used)
  }
}
