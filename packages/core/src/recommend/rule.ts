import type { MetricsHistory, WindowStats } from '../metrics-history/metrics-history.js'
import type { MetricSeriesName } from '../metrics-history/series.js'
import type { SettingProposal } from './apply.js'
import { formatDuration, humanDuration, round } from './format.js'
import { guardBulkLoad } from './bulk-load-guard.js'
import { guardProfile } from './profile-guard.js'
import type {
  Forecast,
  OptimizerMetrics,
  Recommendation,
  RecommendationEvidence,
} from '../types.js'

/**
 * Points a window needs before a rule may speak from it, unless it spans {@link MIN_SPAN_MS}:
 * no advice from one sample.
 */
export const MIN_POINTS = 5

/** Span of a window (with at least two points) that is enough data whatever the point count. */
export const MIN_SPAN_MS = 60_000

/** What a rule looks at. */
export interface RuleContext {
  /** The latest metrics: current settings (`tuning`) and component figures. */
  metrics: OptimizerMetrics
  /** The series derived from past metrics. */
  history: Pick<MetricsHistory, 'window' | 'latest'>
  /** How far back rules look, in milliseconds, e.g. `300_000` for five minutes. */
  windowMs: number
  /**
   * How long after start heap growth is not judged a leak (caches fill, demo data is seeded),
   * milliseconds. @default 600_000
   */
  leakWarmupMs?: number
  /** Time-to-exhaustion forecasts (`optimizer.forecasts()`); the forecast rule reads them. */
  forecasts?: readonly Forecast[]
  /**
   * A confident forecast of exhaustion sooner than this raises a recommendation, milliseconds
   * (`recommendations.forecastHorizon`). @default 86_400_000
   */
  forecastHorizonMs?: number
}

/** One recommendation rule: looks at the metrics and history, and speaks up or not. */
export interface RecommendationRule {
  /** Stable id, also the id of the recommendation it makes, e.g. `db.pool-waiting`. */
  id: string
  /** The component its recommendations concern. */
  component: Recommendation['component']
  /** A recommendation when the rule's condition holds on enough data, else `undefined`. */
  evaluate(ctx: RuleContext): Recommendation | undefined
}

/**
 * The series' statistics over the rule window, or `undefined` when they rest on too little data
 * (fewer than {@link MIN_POINTS} points spanning less than {@link MIN_SPAN_MS}).
 *
 * @example
 * const waiting = readWindow(ctx, 'db.pool.waiting')
 * if (waiting && waiting.p95 > 0) …
 */
export function readWindow(ctx: RuleContext, series: MetricSeriesName): WindowStats | undefined {
  const stats = ctx.history.window(series, ctx.windowMs)
  if (!stats) return undefined
  const enough = stats.count >= MIN_POINTS || (stats.count >= 2 && stats.spanMs >= MIN_SPAN_MS)
  return enough ? stats : undefined
}

/**
 * The rule window as the evidence names it, e.g. `5m`.
 *
 * @example
 * windowLabel({ ...ctx, windowMs: 300_000 }) // '5m'
 */
export function windowLabel(ctx: RuleContext): string {
  return formatDuration(ctx.windowMs)
}

/**
 * The rule window for a sentence, e.g. `over 5 min`.
 *
 * @example
 * overWindow({ ...ctx, windowMs: 300_000 }) // 'over 5 min'
 */
export function overWindow(ctx: RuleContext): string {
  return `over ${humanDuration(ctx.windowMs)}`
}

/**
 * Evidence over the rule window, its value rounded to three decimals so it serializes cleanly,
 * with `summary` saying it in words and human units.
 *
 * @example
 * windowEvidence(ctx, 'db.pool.waiting.p95', 7, 0, '7 callers waiting (p95) over 5 min')
 */
export function windowEvidence(
  ctx: RuleContext,
  metric: string,
  value: number,
  threshold: number,
  summary: string,
): RecommendationEvidence {
  return { metric, value: round(value, 3), threshold, window: windowLabel(ctx), summary }
}

/**
 * What a rule's check returns: a recommendation without the rule's own id and component, and,
 * when its action changes a tuning value, that change as a {@link SettingProposal} so the
 * profile guard can check it.
 */
export type RuleFinding = Omit<Recommendation, 'id' | 'component'> & {
  proposal?: SettingProposal
}

/**
 * A rule from its id, component and check; the recommendation carries the id and component. A
 * finding whose proposal would undo the active profile's choice is turned into advice to switch
 * profile (see {@link guardProfile}); a load-driven finding during a bulk load stays at medium
 * (see {@link guardBulkLoad}).
 *
 * @example
 * const rule = defineRule('db.pool-waiting', 'db', (ctx) => {
 *   const waiting = readWindow(ctx, 'db.pool.waiting')
 *   return waiting && waiting.p95 > 0 ? { priority: 'high', title, evidence, action, apply } : undefined
 * })
 */
export function defineRule(
  id: string,
  component: Recommendation['component'],
  check: (ctx: RuleContext) => RuleFinding | undefined,
): RecommendationRule {
  return {
    id,
    component,
    evaluate: (ctx) => {
      const finding = check(ctx)
      if (!finding) return undefined
      const guarded = guardBulkLoad(id, ctx, guardProfile(ctx.metrics.profile, finding))
      // The proposal is for the guards; a recommendation says it in `action` and `apply`.
      const recommendation: RuleFinding = { ...guarded }
      delete recommendation.proposal
      return { id, component, ...recommendation }
    },
  }
}
