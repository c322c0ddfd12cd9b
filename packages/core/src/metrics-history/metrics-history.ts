import type { Duration } from '@bi-perf/cache'
import { MetricRing, summarizePoints } from '@bi-perf/internal'
import { InvalidArgumentError } from '../errors.js'
import { read } from '../option-reader.js'
import { derivePoints } from './derive.js'
import type { DiskUsedSeriesName, MetricSeriesName } from './series.js'
import type { WindowStats } from './stats.js'
import type { OptimizerMetrics } from '../types.js'

export type { WindowStats } from './stats.js'

/**
 * Least time between two records. A record closer than this to the previous one is ignored (the
 * next one's deltas cover its interval), so a ring of `retention / spacing` points always spans
 * the retention. Just under a second, so a once-a-second sampler's jitter loses no record.
 */
export const MIN_RECORD_SPACING_MS = 900

/** One point of a series. */
export interface SeriesPoint {
  /** The time of the record it came from, epoch milliseconds. */
  at: number
  value: number
}

/** Options of {@link createMetricsHistory}. Every field is optional. */
export interface MetricsHistoryOptions {
  /**
   * How far back the series reach at least: sets each ring's capacity to
   * `retention / MIN_RECORD_SPACING_MS` points (1,000 for 15 minutes). Records further apart
   * than the least spacing reach further back.
   * @default '15m'
   */
  retention?: Duration
  /**
   * Points kept per series; overrides the capacity `retention` implies.
   * @default retention / MIN_RECORD_SPACING_MS (1,000)
   */
  capacity?: number
}

/**
 * Series of interval rates and gauges derived from consecutive {@link OptimizerMetrics}, kept in
 * fixed-size rings (see {@link METRIC_SERIES} for every series and its unit).
 */
export interface MetricsHistory {
  /**
   * Adds one record: gauges are read from it, interval series from its change since the
   * previous record. A record less than {@link MIN_RECORD_SPACING_MS} after the previous one (or
   * older than it) is ignored; a counter
   * that went backwards (its component was recreated) starts a new baseline.
   */
  record(metrics: OptimizerMetrics): void
  /**
   * Statistics of one series over the `windowMs` before the newest record, or `undefined` when
   * the series has no point in that window.
   */
  window(series: MetricSeriesName | (string & {}), windowMs: number): WindowStats | undefined
  /**
   * The points of one series over the `windowMs` before the newest record, oldest first (for
   * charts); empty when there are none.
   */
  points(series: MetricSeriesName | (string & {}), windowMs: number): SeriesPoint[]
  /** Names of the series holding at least one point. */
  series(): string[]
  /** The newest point of a series, `undefined` before its first. */
  latest(series: MetricSeriesName | (string & {})): number | undefined
}

/**
 * Creates the history the optimizer feeds with every metrics reading, and the recommendation
 * rules read.
 *
 * @example
 * const history = createMetricsHistory({ retention: '15m' })
 * history.record(optimizer.metrics())
 * // …a few seconds later, and again
 * history.record(optimizer.metrics())
 * history.window('cache.hitRate', 5 * 60_000)?.mean // 0.93
 */
export function createMetricsHistory(options: MetricsHistoryOptions = {}): MetricsHistory {
  const capacity = resolveCapacity(options)
  const rings = new Map<string, MetricRing>()
  // Scratch arrays for windows, reused across calls.
  const times = new Float64Array(capacity)
  const values = new Float64Array(capacity)
  let previous: OptimizerMetrics | undefined
  let newest = Number.NEGATIVE_INFINITY

  const push = (series: MetricSeriesName | DiskUsedSeriesName, value: number): void => {
    if (!Number.isFinite(value)) return
    let ring = rings.get(series)
    if (!ring) {
      ring = new MetricRing(capacity)
      rings.set(series, ring)
    }
    ring.push(newest, value)
  }

  /** Copies the series' points in the window into the scratch arrays; returns how many. */
  const copyWindow = (series: string, windowMs: number): number => {
    if (typeof windowMs !== 'number' || !(windowMs > 0)) {
      throw new InvalidArgumentError(
        'windowMs',
        windowMs,
        'must be a positive number of milliseconds',
      )
    }
    return rings.get(series)?.copySince(newest - windowMs, times, values) ?? 0
  }

  return {
    record(metrics) {
      // Also drops records whose clock went backwards: rings must stay in time order.
      if (previous && !(metrics.at - previous.at >= MIN_RECORD_SPACING_MS)) return
      newest = metrics.at
      derivePoints(previous, metrics, push)
      previous = metrics
    },

    window(series, windowMs) {
      const count = copyWindow(series, windowMs)
      return count === 0 ? undefined : summarizePoints(times, values, count)
    },

    points(series, windowMs) {
      const count = copyWindow(series, windowMs)
      const points: SeriesPoint[] = []
      for (let index = 0; index < count; index++) {
        points.push({ at: times[index]!, value: values[index]! })
      }
      return points
    },

    series() {
      return [...rings.keys()]
    },

    latest(series) {
      return rings.get(series)?.last()
    },
  }
}

function resolveCapacity(options: MetricsHistoryOptions): number {
  if (options.capacity !== undefined) return read.count('options.capacity', options.capacity)
  const retentionMs = read.duration('options.retention', options.retention ?? '15m')
  return Math.max(1, Math.ceil(retentionMs / MIN_RECORD_SPACING_MS))
}
