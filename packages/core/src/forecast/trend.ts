import type { SeriesPoint } from '../metrics-history/metrics-history.js'

/**
 * Points a fit is made from at most. Theil–Sen looks at every pair, so a 1,000-point history is
 * first reduced to this many bucket summaries: ~4,000 pairs, a few microseconds, and the buckets
 * smooth out sampling jitter without hiding a trend that spans the window.
 */
export const MAX_FIT_POINTS = 90

/** Raw points per bucket of a lower envelope (`'min'`). */
const ENVELOPE_BUCKET_POINTS = 6

/** How a bucket of raw points becomes one fit point. */
export type BucketSummary = 'median' | 'min'

/** A straight-line trend through a series, with how well it explains the series. */
export interface Trend {
  /** Change per millisecond. */
  slopePerMs: number
  /** The fitted value at `at`. */
  level: number
  /** The time `level` is read at: the newest point's, epoch milliseconds. */
  at: number
  /**
   * Share of the spread the line explains, 0..1: `1 - (MAD of residuals / MAD of values)²`, a
   * robust R². 0 for a series that does not vary (no trend to explain).
   */
  rSquared: number
  /**
   * Slope over its standard error (noise scale from the residuals' MAD): how many "noise units"
   * the slope stands out by. `0` for a flat line, `Infinity` for a perfect non-flat line.
   */
  tStatistic: number
  /** Standard error of the slope, per millisecond (noise scale from the residuals' MAD). */
  slopeStandardError: number
  /** Spread of the points around the line: 1.4826 × the residuals' MAD, a robust σ. */
  noiseScale: number
  /** Points the fit used (after bucketing). */
  count: number
  /** Time from the first raw point to the last, milliseconds. */
  spanMs: number
}

/**
 * Fits a straight line with the Theil–Sen estimator: the slope is the median of the slopes
 * between every pair of points, the intercept the median of what is left.
 *
 * Why Theil–Sen and not least squares: the series we forecast carry outliers by nature (a GC
 * that runs just before one sample, a temporary file written and deleted, a burst of tasks), and
 * one outlier can tilt a least-squares line arbitrarily far; Theil–Sen ignores up to ~29 % of
 * wild points. The residuals then say how much the line explains (a robust R²) and whether its
 * slope stands out from the noise (a t statistic), which is what the confidence rests on.
 *
 * `summary: 'min'` fits the lower envelope instead (each bucket's minimum): for a heap, whose
 * used size saws up and down with every GC, the floor after collections is what trends to the
 * limit.
 *
 * @example
 * const trend = fitTrend(history.points('memory.heapUsedBytes', 15 * 60_000), 'min')
 * trend && trend.slopePerMs * 60_000 // bytes per minute
 */
export function fitTrend(
  points: readonly SeriesPoint[],
  summary: BucketSummary = 'median',
): Trend | undefined {
  if (points.length < 2) return undefined
  const spanMs = points.at(-1)!.at - points[0]!.at
  if (!(spanMs > 0)) return undefined
  const fit = bucketize(points, summary)
  if (fit.length < 2) return undefined
  const slopes: number[] = []
  for (let i = 0; i < fit.length; i++) {
    for (let j = i + 1; j < fit.length; j++) {
      const dt = fit[j]!.at - fit[i]!.at
      if (dt > 0) slopes.push((fit[j]!.value - fit[i]!.value) / dt)
    }
  }
  if (slopes.length === 0) return undefined
  const slope = median(slopes)
  const newest = points.at(-1)!.at
  // Times relative to the newest point keep the products small and make the intercept the level.
  const level = median(fit.map((point) => point.value - slope * (point.at - newest)))
  // Both figures of fit use robust scales (median absolute deviations) too: with squared
  // residuals, the same outliers the slope ignores would make a clean trend look like noise.
  const residuals = fit.map((point) => point.value - (level + slope * (point.at - newest)))
  const centre = median(fit.map((point) => point.value))
  // The residuals of a few points can be small by chance (they happen to lie near a line that
  // fits them), which would make a chance slope look significant; the spread of successive
  // differences is a second, independent reading of the noise, and the larger one is kept.
  const residualScale = Math.max(medianAbsolute(residuals), differenceScale(fit))
  const valueScale = medianAbsolute(fit.map((point) => point.value - centre))
  const rSquared = valueScale > 0 ? clamp01(1 - (residualScale / valueScale) ** 2) : 0
  const meanAt = fit.reduce((sum, point) => sum + (point.at - newest), 0) / fit.length
  const timeSquares = fit.reduce((sum, point) => sum + (point.at - newest - meanAt) ** 2, 0)
  // 1.4826 × MAD estimates the standard deviation of normal noise.
  const noiseScale = 1.4826 * residualScale
  const standardError = timeSquares > 0 ? noiseScale / Math.sqrt(timeSquares) : 0
  const tStatistic =
    slope === 0 ? 0 : standardError > 0 ? Math.abs(slope) / standardError : Number.POSITIVE_INFINITY
  return {
    slopePerMs: slope,
    level,
    at: newest,
    rSquared,
    tStatistic,
    slopeStandardError: standardError,
    noiseScale,
    count: fit.length,
    spanMs,
  }
}

/** At most {@link MAX_FIT_POINTS} points: equal-time buckets, each summarized by `summary`. */
function bucketize(points: readonly SeriesPoint[], summary: BucketSummary): SeriesPoint[] {
  if (points.length <= MAX_FIT_POINTS && summary === 'median') return [...points]
  // An envelope needs buckets wide enough to hold a whole GC cycle: about six samples each.
  const count =
    summary === 'min'
      ? Math.max(2, Math.min(MAX_FIT_POINTS, Math.floor(points.length / ENVELOPE_BUCKET_POINTS)))
      : MAX_FIT_POINTS
  const first = points[0]!.at
  const width = (points.at(-1)!.at - first) / count
  const buckets: SeriesPoint[][] = []
  for (const point of points) {
    const index = Math.min(count - 1, Math.floor((point.at - first) / width))
    ;(buckets[index] ??= []).push(point)
  }
  const fit: SeriesPoint[] = []
  for (const bucket of buckets) {
    if (!bucket) continue
    if (summary === 'min') {
      fit.push(bucket.reduce((low, point) => (point.value < low.value ? point : low)))
    } else {
      const at = bucket.reduce((sum, point) => sum + point.at, 0) / bucket.length
      fit.push({ at, value: median(bucket.map((point) => point.value)) })
    }
  }
  return fit
}

/**
 * The points' noise from their successive differences, on the residuals' scale (MAD): a trend,
 * even one that bends, shifts the differences but barely spreads them, so this reads the noise
 * alone whatever the series' shape. Differences of independent noise spread √2 times as wide.
 */
export function differenceScale(points: readonly SeriesPoint[]): number {
  const differences: number[] = []
  for (let index = 1; index < points.length; index++) {
    differences.push(points[index]!.value - points[index - 1]!.value)
  }
  const centre = median(differences)
  return medianAbsolute(differences.map((value) => value - centre)) / Math.SQRT2
}

/** The median; sorts `values` in place. */
export function median(values: number[]): number {
  values.sort((a, b) => a - b)
  const middle = values.length >> 1
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2
}

/** Median of the absolute values. */
export function medianAbsolute(values: readonly number[]): number {
  return median(values.map(Math.abs))
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value))
}
