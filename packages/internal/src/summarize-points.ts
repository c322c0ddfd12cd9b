/** What {@link summarizePoints} computes; durations in milliseconds, slope per minute. */
export interface PointsSummary {
  /** Points in the window. */
  count: number
  /** Time from the first point in the window to the last, in milliseconds; 0 for one point. */
  spanMs: number
  min: number
  max: number
  mean: number
  /** 95th percentile, nearest rank. */
  p95: number
  /** The oldest value in the window. */
  first: number
  /** The newest value in the window. */
  last: number
  /** Least-squares slope, in series units per minute; 0 with fewer than two points. */
  slopePerMinute: number
}

/**
 * Summarizes the first `count` points (oldest first; `count` ≥ 1): min, max, mean, nearest-rank
 * p95, first, last, span and the least-squares slope per minute. Times are taken relative to the
 * first point and in minutes, so the sums stay exact for epoch milliseconds. Shared by the
 * monitor's summaries and core's metrics history.
 */
export function summarizePoints(
  times: Float64Array,
  values: Float64Array,
  count: number,
): PointsSummary {
  const origin = times[0]!
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  let sum = 0
  let sumMinutes = 0
  for (let index = 0; index < count; index++) {
    const value = values[index]!
    if (value < min) min = value
    if (value > max) max = value
    sum += value
    sumMinutes += (times[index]! - origin) / 60_000
  }
  const mean = sum / count
  const meanMinutes = sumMinutes / count
  let covariance = 0
  let variance = 0
  for (let index = 0; index < count; index++) {
    const minutes = (times[index]! - origin) / 60_000 - meanMinutes
    covariance += minutes * (values[index]! - mean)
    variance += minutes * minutes
  }
  // Float64Array sorts numerically (a plain array would sort as strings).
  const sorted = values.slice(0, count).sort()
  return {
    count,
    spanMs: times[count - 1]! - origin,
    min,
    max,
    mean,
    p95: sorted[Math.max(0, Math.ceil(0.95 * count) - 1)]!,
    first: values[0]!,
    last: values[count - 1]!,
    slopePerMinute: variance > 0 ? covariance / variance : 0,
  }
}
