import type { RecommendationRule, RuleContext } from './rule.js'
import { cacheRules } from './cache-rules.js'
import { dbRules } from './db-rules.js'
import { forecastRules } from './forecast-rules.js'
import { memoryRules } from './memory-rules.js'
import { systemRules } from './system-rules.js'
import { tasksRules } from './tasks-rules.js'
import type { Recommendation, RecommendationPriority } from '../types.js'

export type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'

const PRIORITY_ORDER: Readonly<Record<RecommendationPriority, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
}

/**
 * The built-in rules: cache, database, tasks, memory, system and forecasts, each speaking only
 * from enough data (at least five points, or a minute, in the window). Every finding passes the
 * profile guard (no proposal undoes the active profile) and the bulk-load guard (load-driven
 * findings stay at medium while a seed runs); see `defineRule`.
 */
export const defaultRules: readonly RecommendationRule[] = Object.freeze([
  ...cacheRules,
  ...dbRules,
  ...tasksRules,
  ...memoryRules,
  ...systemRules,
  ...forecastRules,
])

/**
 * Runs every rule and returns their recommendations, critical first, then by id. A rule that
 * throws is left out: one broken rule never costs the others' advice.
 *
 * @example
 * const history = createMetricsHistory()
 * // the optimizer records every few seconds: history.record(optimizer.metrics())
 * for (const advice of recommend({ metrics: optimizer.metrics(), history, windowMs: 300_000 })) {
 *   console.log(`[${advice.priority}] ${advice.title}: ${advice.action}`)
 * }
 */
export function recommend(
  ctx: RuleContext,
  rules: readonly RecommendationRule[] = defaultRules,
): Recommendation[] {
  const recommendations: Recommendation[] = []
  for (const rule of rules) {
    try {
      const recommendation = rule.evaluate(ctx)
      if (recommendation) recommendations.push(recommendation)
    } catch {
      // A rule reading a figure an older component lacks must not cost the others' advice.
    }
  }
  return recommendations.sort(
    (a, b) =>
      PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
}
