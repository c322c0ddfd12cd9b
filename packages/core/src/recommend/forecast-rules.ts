import { CONFIDENT_FORECAST } from '../forecast/forecast.js'
import { formatSpan } from '../forecast/format.js'
import { commandApply, settingApply } from './apply.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule } from './rule.js'
import type { Forecast, RecommendationApply, RecommendationPriority } from '../types.js'

/** Default of `recommendations.forecastHorizon`: a day, so overnight growth is seen in time. */
export const DEFAULT_FORECAST_HORIZON_MS = 24 * 60 * 60_000

const HOUR = 60 * 60_000

/**
 * Priority by time left: under an hour there is barely time to react (critical), under six a
 * working session (high), within the horizon something to plan (medium).
 */
function priorityFor(etaMs: number): RecommendationPriority {
  if (etaMs < HOUR) return 'critical'
  if (etaMs < 6 * HOUR) return 'high'
  return 'medium'
}

/**
 * The most urgent confident forecast of exhaustion within the horizon among `resource`'s, or
 * `undefined`: an `unknown`, stable or low-confidence forecast never raises anything.
 */
function urgentForecast(ctx: RuleContext, resource: Forecast['resource']): Forecast | undefined {
  const horizon = ctx.forecastHorizonMs ?? DEFAULT_FORECAST_HORIZON_MS
  let soonest: Forecast | undefined
  for (const forecast of ctx.forecasts ?? []) {
    if (forecast.resource !== resource || forecast.outlook !== 'exhausts') continue
    if (forecast.etaMs === null || forecast.etaMs > horizon) continue
    if (forecast.confidence < CONFIDENT_FORECAST) continue
    if (!soonest || forecast.etaMs < soonest.etaMs!) soonest = forecast
  }
  return soonest
}

/** A finding for a forecast: priority from time left, evidence saying the forecast in words. */
function finding(
  ctx: RuleContext,
  forecast: Forecast,
  action: string,
  apply: RecommendationApply,
): RuleFinding {
  const horizon = ctx.forecastHorizonMs ?? DEFAULT_FORECAST_HORIZON_MS
  const etaMs = forecast.etaMs!
  const when = etaMs === 0 ? 'now' : `in about ${formatSpan(etaMs)}`
  return {
    priority: priorityFor(etaMs),
    title: `${forecast.subject} runs out ${when} at the current rate`,
    evidence: {
      metric: `forecast.${forecast.resource}.etaMs`,
      value: etaMs,
      threshold: horizon,
      window: 'now',
      summary:
        `${forecast.summary}; confidence ${Math.round(forecast.confidence * 100)} % ` +
        `(raised under the ${formatSpan(horizon)} horizon)`,
    },
    action,
    apply,
  }
}

/** The heap reaches its limit within the horizon: find what grows before the process dies. */
export const forecastHeap = defineRule('forecast.heap', 'memory', (ctx) => {
  const forecast = urgentForecast(ctx, 'heap')
  if (!forecast) return undefined
  return finding(
    ctx,
    forecast,
    'take a heap snapshot and compare it with a later one to find what keeps growing; if the ' +
      'growth is expected, give the process a larger heap (node --max-old-space-size)',
    commandApply('bi-performance heap-snapshot'),
  )
})

/** A disk fills within the horizon: free space or grow it before writes fail. */
export const forecastDisk = defineRule('forecast.disk', 'system', (ctx) => {
  const forecast = urgentForecast(ctx, 'disk')
  if (!forecast) return undefined
  const mount = forecast.subject.replace(/^disk /, '')
  return finding(
    ctx,
    forecast,
    `find what grows on ${mount} (logs, temporary files, database files), free or rotate it, ` +
      'or grow the volume',
    commandApply(`du -xh -d 2 ${mount} | sort -h | tail -n 15`),
  )
})

/** The pool's demand reaches its maximum within the horizon: callers will queue, then time out. */
export const forecastDbPool = defineRule('forecast.db-pool', 'db', (ctx) => {
  const forecast = urgentForecast(ctx, 'db.pool')
  if (!forecast) return undefined
  const db = ctx.metrics.db
  if (db?.backend === 'pglite') {
    return finding(
      ctx,
      forecast,
      'embedded PGlite serves one connection at a time: move to PostgreSQL (set DATABASE_URL) ' +
        'or shorten the queries holding it',
      settingApply('database.url', 'postgres://user@host:5432/db'),
    )
  }
  const max = db?.pool.max ?? forecast.limit ?? 0
  const raised = Math.max(max + 1, max * 2)
  return finding(
    ctx,
    forecast,
    `raise database.pool.max from ${max} to ${raised} (within the server's max_connections), ` +
      'or find the queries holding connections longer',
    settingApply('database.pool.max', String(raised)),
  )
})

/** The forecast rules: heap, disk and database pool exhaustion within the horizon. */
export const forecastRules: readonly RecommendationRule[] = [
  forecastHeap,
  forecastDisk,
  forecastDbPool,
]
