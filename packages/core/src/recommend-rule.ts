import type { MetricsHistory, WindowStats } from './metrics-history.js'
import type { MetricSeriesName } from './metrics-history-series.js'
import { formatDuration, round } from './recommend-format.js'
import type { OptimizerMetrics, Recommendation, RecommendationEvidence } from './types.js'

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
 * Evidence over the rule window, its value rounded to three decimals so it serializes cleanly.
 *
 * @example
 * windowEvidence(ctx, 'db.pool.waiting.p95', 7, 0) // { metric, value: 7, threshold: 0, window: '5m' }
 */
export function windowEvidence(
  ctx: RuleContext,
  metric: string,
  value: number,
  threshold: number,
): RecommendationEvidence {
  return { metric, value: round(value, 3), threshold, window: windowLabel(ctx) }
}

/** What a rule's check returns: a recommendation without the rule's own id and component. */
export type RuleFinding = Omit<Recommendation, 'id' | 'component'>

/**
 * A rule from its id, component and check; the recommendation carries the id and component.
 *
 * @example
 * const rule = defineRule('db.pool-waiting', 'db', (ctx) => {
 *   const waiting = readWindow(ctx, 'db.pool.waiting')
 *   return waiting && waiting.p95 > 0 ? { priority: 'high', title, evidence, action } : undefined
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
      return finding && { id, component, ...finding }
    },
  }
}
