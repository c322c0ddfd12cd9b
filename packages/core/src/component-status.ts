import type { CacheStats } from '@bi-perf/cache'
import type { HealthReport } from '@bi-perf/db'
import type { MemoryStats } from '@bi-perf/memory'
import type { AlertEvent, MonitorSnapshot } from '@bi-perf/monitor'
import type { TaskQueueAvailability, TaskQueueStatus } from '@bi-perf/tasks'
import type { LeakVerdict } from './leak-verdict.js'
import { humanBytes, humanDuration } from './recommend/format.js'
import type { ComponentStatus, HealthState } from './types.js'

const OK: ComponentStatus = Object.freeze({ state: 'ok', reasons: [] })

const SEVERITY: Record<HealthState, number> = { ok: 0, degraded: 1, down: 2 }

/** The worse of the states; `ok` for none. */
export function worstState(states: Iterable<HealthState>): HealthState {
  let worst: HealthState = 'ok'
  for (const state of states) if (SEVERITY[state] > SEVERITY[worst]) worst = state
  return worst
}

/**
 * The cache is never down: with Redis gone it answers from the in-process tier. It is degraded
 * while Redis is unusable or invalidations wait to be replayed.
 * @param breakerOpenSince when the optimizer first saw the breaker open, epoch ms
 */
export function cacheStatus(
  stats: CacheStats,
  breakerOpenSince: number | undefined,
): ComponentStatus {
  const l2 = stats.l2
  if (!l2) return OK
  const reasons: string[] = []
  if (l2.breaker !== 'closed') {
    const since =
      breakerOpenSince === undefined ? '' : ` since ${new Date(breakerOpenSince).toISOString()}`
    reasons.push(`Redis circuit ${l2.breaker}${since}; serving from the in-process tier`)
  } else if (l2.connection !== 'ready' && l2.connection !== 'connect' && l2.connection !== 'wait') {
    reasons.push(`Redis connection ${l2.connection}; serving from the in-process tier`)
  }
  if (l2.pendingInvalidations > 0) {
    reasons.push(`${l2.pendingInvalidations} invalidations waiting for Redis to return`)
  }
  return reasons.length === 0 ? OK : { state: 'degraded', reasons }
}

/** From the last `db.health()`; before the first check the database counts as ok. */
export function databaseStatus(report: HealthReport | undefined): ComponentStatus {
  if (!report) return OK
  return { state: report.status, reasons: [...report.reasons] }
}

const FAILING_TASKS = 0.5

/**
 * Down while the queue's Redis is known to be away (read live, so a status answers at once
 * rather than after the next sample), or the last status read failed.
 * @param error why the last status read failed (Redis unreachable), if it did
 * @param availability the queue's availability now, without I/O
 */
export function tasksStatus(
  status: TaskQueueStatus | undefined,
  error: Error | undefined,
  availability?: TaskQueueAvailability,
): ComponentStatus {
  if (availability && !availability.available) {
    const since =
      availability.downSince === null
        ? ''
        : ` since ${new Date(availability.downSince).toISOString()}`
    return {
      state: 'down',
      reasons: [
        `Redis unreachable${since} (connection ${availability.connection}, circuit ${availability.breaker}): ${availability.reason ?? 'unknown'}; enqueues fail with E_TASKS_UNAVAILABLE`,
      ],
    }
  }
  if (error) return { state: 'down', reasons: [`cannot read the queue: ${error.message}`] }
  if (!status) return OK
  if (status.closed) return { state: 'down', reasons: ['the task queue is closed'] }
  if (status.failureRate >= FAILING_TASKS) {
    const percent = Math.round(status.failureRate * 100)
    return { state: 'degraded', reasons: [`${percent} % of the last attempts failed`] }
  }
  return OK
}

/**
 * Degraded above a heap limit, or while a leak verdict (see `leakVerdict`: after the warm-up, no
 * bulk load running, growth that matters against the heap limit) would reach the hard limit
 * within hours, i.e. a `high` or `critical` verdict; a slow drift stays a recommendation.
 */
export function memoryStatus(stats: MemoryStats, leak: LeakVerdict | undefined): ComponentStatus {
  const reasons: string[] = []
  const percent = (ratio: number) => `${Math.round(ratio * 100)} %`
  if (stats.level !== 'normal') {
    const limit = stats.level === 'hard' ? stats.settings.hardLimit : stats.settings.softLimit
    reasons.push(
      `heap at ${percent(stats.heap.ratio)} of its limit (${stats.level} limit ${percent(limit)})`,
    )
  }
  if (leak && (leak.priority === 'critical' || leak.priority === 'high')) {
    reasons.push(
      `heap after GC keeps growing (${humanBytes(leak.growthBytesPerMinute)}/min): leak suspected, the hard limit (${humanBytes(leak.hardLimitBytes)}) is about ${humanDuration(leak.etaMs)} away`,
    )
  }
  return reasons.length === 0 ? OK : { state: 'degraded', reasons }
}

/** Degraded while critical alerts fire or collectors fail; warnings alone keep it ok. */
export function monitorStatus(
  snapshot: MonitorSnapshot | undefined,
  alerts: readonly AlertEvent[],
  running: boolean,
): ComponentStatus {
  const reasons: string[] = []
  if (!running) reasons.push('the monitor is not sampling')
  for (const error of snapshot?.errors ?? []) reasons.push(`${error.collector}: ${error.message}`)
  for (const alert of alerts) {
    if (alert.severity === 'critical')
      reasons.push(`alert ${alert.rule}: ${alert.metric} = ${alert.value}`)
  }
  return reasons.length === 0 ? OK : { state: 'degraded', reasons }
}
