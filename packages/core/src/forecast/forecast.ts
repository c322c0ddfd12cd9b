import { formatAmount, formatRate, formatSpan } from './format.js'
import { differenceScale, fitTrend } from './trend.js'
import type { Trend } from './trend.js'
import type { MetricsHistory, SeriesPoint } from '../metrics-history/metrics-history.js'
import { diskUsedSeries } from '../metrics-history/series.js'
import type { Forecast, OptimizerMetrics } from '../types.js'

const MINUTE = 60_000

/** Points a forecast needs at least; fewer give `unknown`. */
export const FORECAST_MIN_POINTS = 10
/** Time the points must span at least; less gives `unknown`. */
export const FORECAST_MIN_SPAN_MS = 2 * MINUTE
/**
 * No heap forecast from the first minutes after start: loading code, warming caches and seeding
 * demo data grow the heap steeply and then stop, which a trend would read as a fast leak.
 */
export const HEAP_WARMUP_MS = 5 * MINUTE
/**
 * V8's young generation on 64-bit Node 20 (three 16 MiB semi-spaces). `heap_size_limit` counts
 * it, but objects that outlive it need room in the old generation, which is what runs out: a
 * process started with `--max-old-space-size=48` (limit 96 MiB) dies at about 48 MiB used.
 */
export const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024

/**
 * The heap size at which the process runs out: the configured `memory.heapLimit` as is, or V8's
 * `heap_size_limit` without the young generation it includes.
 *
 * @example
 * heapExhaustionLimit(100_663_296, false) // 50_331_648 (--max-old-space-size=48)
 */
export function heapExhaustionLimit(limit: number, configured: boolean): number {
  return configured ? limit : Math.max(limit / 2, limit - YOUNG_GENERATION_BYTES)
}

/** Confidence from which a forecast is worth acting on (the forecast rule's bar). */
export const CONFIDENT_FORECAST = 0.5
/**
 * A slope counts as a trend only when it stands out from the residual noise by this many standard
 * errors (t ≥ 3: under 1 % of pure-noise windows reach it) …
 */
const SIGNIFICANT_T = 3
/** … and the line explains at least this share of the variance. */
const SIGNIFICANT_R_SQUARED = 0.3
/** Points and span from which the amount of data no longer lowers the confidence. */
export const FULL_DATA_POINTS = 20
export const FULL_DATA_SPAN_MS = 5 * MINUTE
/**
 * How far ahead, in multiples of the observed span, a trend extrapolates at full confidence:
 * beyond it the confidence falls with the square root of the distance (a 15-minute trend says
 * little about tomorrow).
 */
const EXTRAPOLATION_RATIO = 8
/** An exhaustion further away than this is reported as stable. */
const MAX_ETA_MS = 30 * 24 * 60 * MINUTE

/** One series to forecast, with its limit. */
export interface SeriesForecastInput {
  resource: Forecast['resource']
  subject: string
  unit: Forecast['unit']
  /** The series' points, oldest first. */
  points: readonly SeriesPoint[]
  /** The value at which the resource is exhausted; `null` for none (a backlog). */
  limit: number | null
  /** The latest reading; defaults to the newest point. */
  current?: number
  /** Fit the lower envelope (each bucket's minimum), for a heap's GC sawtooth. @default false */
  envelope?: boolean
  /** Why there is no forecast yet, when the caller already knows (a warm-up). */
  unknownReason?: string
}

/** A forecast, and for a falling series the time until it reaches zero at its rate. */
export interface SeriesForecast {
  forecast: Forecast
  /** Milliseconds until the series reaches 0 when it is `recovering`, else `null`. */
  drainMs: number | null
}

/** What {@link forecastResources} reads. */
export interface ForecastInput {
  /** The latest metrics: limits (heap limit, disk sizes, pool max) and current readings. */
  metrics: OptimizerMetrics
  /** The history the trends are fitted on. */
  history: Pick<MetricsHistory, 'points'>
  /** How far back the trends look, in milliseconds. */
  windowMs: number
}

/**
 * Time to exhaustion of the heap (to its limit), each disk (to full), the task backlog (drained,
 * or growing without bound) and the database pool (to saturation), from robust trends over the
 * history. Resources whose component is off are absent; too little history gives `unknown`.
 *
 * @example
 * for (const forecast of forecastResources({ metrics, history, windowMs: 15 * 60_000 })) {
 *   console.log(forecast.summary) // "disk /var full in about 3 h 10 min at the current rate …"
 * }
 */
export function forecastResources(input: ForecastInput): Forecast[] {
  const { metrics, history, windowMs } = input
  const forecasts: Forecast[] = []
  if (metrics.memory) {
    const startedAt = metrics.at - metrics.uptimeMs
    const warm = metrics.uptimeMs >= HEAP_WARMUP_MS
    const points = history
      .points('memory.heapUsedBytes', windowMs)
      .filter((point) => point.at >= startedAt + HEAP_WARMUP_MS)
    forecasts.push(
      forecastSeries({
        resource: 'heap',
        subject: 'heap',
        unit: 'bytes',
        points,
        limit: heapExhaustionLimit(
          metrics.memory.heap.limit,
          metrics.memory.settings.heapLimit !== null,
        ),
        current: metrics.memory.heap.used,
        envelope: true,
        ...(warm
          ? {}
          : {
              unknownReason: `no heap forecast in the first ${formatSpan(HEAP_WARMUP_MS)} after start`,
            }),
      }).forecast,
    )
  }
  for (const entry of metrics.system?.filesystems?.entries ?? []) {
    forecasts.push(
      forecastSeries({
        resource: 'disk',
        subject: `disk ${entry.mount}`,
        unit: 'bytes',
        points: history.points(diskUsedSeries(entry.mount), windowMs),
        // Full is when nothing is left for an unprivileged writer, as `df` counts it.
        limit: entry.used + entry.available,
        current: entry.used,
      }).forecast,
    )
  }
  if (metrics.tasks) {
    forecasts.push(
      forecastSeries({
        resource: 'tasks.backlog',
        subject: 'task backlog',
        unit: 'tasks',
        points: history.points('tasks.backlog', windowMs),
        limit: null,
        current: metrics.tasks.counts.backlog,
      }).forecast,
    )
  }
  if (metrics.db) {
    const { pool } = metrics.db
    forecasts.push(
      forecastSeries({
        resource: 'db.pool',
        subject: 'database pool',
        unit: 'connections',
        points: history.points('db.pool.inUse', windowMs),
        limit: pool.max,
        current: pool.active + pool.waiting,
      }).forecast,
    )
  }
  return forecasts
}

/**
 * Forecasts one series against its limit: `unknown` from too little data, `exhausts` when a
 * significant trend heads to the limit (with the time left), `recovering` when it falls, else
 * `stable`. The confidence multiplies how much of the variance the trend explains (R²), how much
 * data it rests on, and how far it extrapolates.
 *
 * @example
 * const { forecast } = forecastSeries({
 *   resource: 'disk', subject: 'disk /var', unit: 'bytes', points, limit: 100 * 2 ** 30,
 * })
 * forecast.summary // 'disk /var full in about 3 h 10 min at the current rate (+120.5 MiB/min)'
 */
export function forecastSeries(input: SeriesForecastInput): SeriesForecast {
  const { points, limit, unit, subject } = input
  const current = input.current ?? points.at(-1)?.value ?? 0
  const base = { resource: input.resource, subject, current, limit, unit }
  const spanMs = points.length > 1 ? points.at(-1)!.at - points[0]!.at : 0
  const fitted =
    input.unknownReason === undefined &&
    points.length >= FORECAST_MIN_POINTS &&
    spanMs >= FORECAST_MIN_SPAN_MS
      ? currentRegime(points, input.envelope ? 'min' : 'median')
      : undefined
  const trend = fitted?.trend
  if (!fitted || !trend) {
    const reason =
      input.unknownReason ??
      `${describeSamples(points.length, spanMs)}; a forecast needs ` +
        `${FORECAST_MIN_POINTS} over ${formatSpan(FORECAST_MIN_SPAN_MS)}`
    return {
      forecast: {
        ...base,
        outlook: 'unknown',
        etaMs: null,
        confidence: 0,
        ratePerMinute: 0,
        summary: `${subject}: not enough data yet (${reason})`,
      },
      drainMs: null,
    }
  }
  const ratePerMinute = trend.slopePerMs * MINUTE
  const rate = formatRate(ratePerMinute, unit)
  const data = dataConfidence(fitted.count, trend.spanMs)
  const significant = trend.tStatistic >= SIGNIFICANT_T && trend.rSquared >= SIGNIFICANT_R_SQUARED
  const verb = EXHAUSTED_VERB[input.resource]
  const result = (
    outlook: Forecast['outlook'],
    etaMs: number | null,
    confidence: number,
    summary: string,
    drainMs: number | null = null,
  ): SeriesForecast => ({
    forecast: { ...base, outlook, etaMs, confidence: round2(confidence), ratePerMinute, summary },
    drainMs,
  })

  // A pool with every connection in use still serves; it is saturated once callers queue.
  const exhausted =
    limit !== null && (input.resource === 'db.pool' ? trend.level > limit : trend.level >= limit)
  if (exhausted) {
    return result('exhausts', 0, data, `${subject} ${verb} now (${formatAmount(current, unit)})`)
  }
  if (significant && trend.slopePerMs > 0) {
    if (limit === null) {
      return result(
        'exhausts',
        null,
        trend.rSquared * data,
        `${subject} grows without bound: ${rate} (arrivals outpace completions)`,
      )
    }
    const etaMs = (limit - trend.level) / trend.slopePerMs
    if (etaMs <= MAX_ETA_MS) {
      const reach = Math.min(1, Math.sqrt((EXTRAPOLATION_RATIO * trend.spanMs) / etaMs))
      return result(
        'exhausts',
        Math.round(etaMs),
        trend.rSquared * data * reach,
        `${subject} ${verb} in about ${formatSpan(etaMs)} at the current rate (${rate})`,
      )
    }
  }
  if (significant && trend.slopePerMs < 0) {
    const drainMs = Math.max(0, trend.level) / -trend.slopePerMs
    const summary =
      limit === null
        ? `${subject} drains in about ${formatSpan(drainMs)} at the current rate (${rate})`
        : `${subject} falling (${rate}), now ${describeLevel(current, limit, unit)}`
    return result('recovering', null, trend.rSquared * data, summary, Math.round(drainMs))
  }
  // Not a trend: how sure "stable" is grows as the slope sinks into the noise.
  const stableConfidence = significant
    ? data * 0.5
    : data * (1 - Math.min(1, trend.tStatistic / (2 * SIGNIFICANT_T)))
  return result(
    'stable',
    null,
    stableConfidence,
    `${subject} stable at ${describeLevel(current, limit, unit)}`,
  )
}

/** Least span of the recent segment {@link currentRegime} compares with the whole window. */
const RECENT_MIN_SPAN_MS = MINUTE
/** A rate change smaller than this share of the rate is never a new regime. */
const RECENT_MIN_CHANGE = 0.05

/**
 * The trend of the current regime: the whole window's, unless the most recent third (at least a
 * minute) runs at a rate that differs from it by more than three of its standard errors (and
 * 5 %), and the difference moves the level across the segment by more than three times its
 * noise. A disk whose writer sped up or stopped, a backlog that started draining: the whole
 * window would speak of the past for minutes, while the recent segment alone is noisier, so it
 * wins only when the difference stands out from its noise.
 *
 * The segment's noise is never taken as lower than the whole window's point-to-point noise: a
 * dozen noisy points can happen to lie close to a line, and their own residuals would then call
 * a chance slope significant.
 */
function currentRegime(
  points: readonly SeriesPoint[],
  summary: 'min' | 'median',
): { trend: Trend | undefined; count: number } {
  const whole = fitTrend(points, summary)
  const newest = points.at(-1)!.at
  const recentSpan = Math.max(RECENT_MIN_SPAN_MS, (newest - points[0]!.at) / 3)
  const recentPoints = points.filter((point) => point.at >= newest - recentSpan)
  if (
    !whole ||
    recentPoints.length === points.length ||
    recentPoints.length < FORECAST_MIN_POINTS
  ) {
    return { trend: whole, count: points.length }
  }
  const recent = fitTrend(recentPoints, summary)
  if (!recent) return { trend: whole, count: points.length }
  // Only a fit of the raw points (not of bucket summaries) is comparable with their noise.
  const windowNoise = recent.count === recentPoints.length ? 1.4826 * differenceScale(points) : 0
  const noise = Math.max(recent.noiseScale, windowNoise)
  const standardError =
    recent.noiseScale > 0 ? (recent.slopeStandardError * noise) / recent.noiseScale : 0
  const difference = Math.abs(recent.slopePerMs - whole.slopePerMs)
  // Over a short segment of pure noise a slope can pass the t test by chance (a second look at
  // the same data); a real change of rate also moves the level, by more than the noise, across
  // the segment.
  const changed =
    difference >
      Math.max(SIGNIFICANT_T * standardError, RECENT_MIN_CHANGE * Math.abs(whole.slopePerMs)) &&
    difference * recent.spanMs > SIGNIFICANT_T * noise
  return changed
    ? { trend: recent, count: recentPoints.length }
    : { trend: whole, count: points.length }
}

/** What exhausting a resource is called in a sentence. */
const EXHAUSTED_VERB: Readonly<Record<Forecast['resource'], string>> = {
  heap: 'reaches its limit',
  disk: 'full',
  'tasks.backlog': 'overflows',
  'db.pool': 'saturated',
}

function describeLevel(current: number, limit: number | null, unit: Forecast['unit']): string {
  const amount = formatAmount(current, unit)
  if (limit === null) return amount
  const limitAmount = unit === 'bytes' ? formatAmount(limit, unit) : String(limit)
  return `${amount} of ${limitAmount}`
}

/** How much history there is, for an `unknown` forecast. */
function describeSamples(count: number, spanMs: number): string {
  if (count === 0) return 'no sample yet'
  if (count === 1) return '1 sample'
  return `${count} samples over ${formatSpan(spanMs)}`
}

/** 0..1: how much the point count and span support a trend. */
function dataConfidence(count: number, spanMs: number): number {
  return Math.min(1, count / FULL_DATA_POINTS) * Math.min(1, spanMs / FULL_DATA_SPAN_MS)
}

function round2(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100
}
