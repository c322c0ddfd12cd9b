import type { RuleContext, RuleFinding } from './rule.js'

/**
 * Rules whose figures a seed or bulk load drives by itself: CPU, loop delay, queueing for the
 * database, a backlog of load tasks, and the heap and pool trends. Rules about failures and hard
 * limits (disk full, Redis down, heap over its limit, tasks failing, queries timing out) are not
 * here: those hurt whatever caused them.
 */
const LOAD_DRIVEN: ReadonlySet<string> = new Set([
  'system.cpu-high',
  'system.loop-delay',
  'db.pool-waiting',
  'db.slow-queries',
  'tasks.growing-backlog',
  'tasks.concurrency-at-max',
  'forecast.heap',
  'forecast.db-pool',
])

/**
 * The finding as it may be shown while a bulk load marked with `optimizer.bulkLoad()` runs, or
 * ran within the rule window: a load-driven finding stays at most `medium`, and its evidence says
 * why, since the load was asked for and ends by itself. Other findings pass unchanged.
 *
 * @example
 * guardBulkLoad('system.cpu-high', ctx, finding).priority // 'medium' during a seed
 */
export function guardBulkLoad(id: string, ctx: RuleContext, finding: RuleFinding): RuleFinding {
  const bulkLoad = ctx.metrics.bulkLoad
  if (!bulkLoad || !LOAD_DRIVEN.has(id)) return finding
  const running = bulkLoad.running > 0
  const recent =
    bulkLoad.lastEndedAt !== null && ctx.metrics.at - bulkLoad.lastEndedAt <= ctx.windowMs
  if (!running && !recent) return finding
  if (finding.priority !== 'critical' && finding.priority !== 'high') return finding
  return {
    ...finding,
    priority: 'medium',
    evidence: {
      ...finding.evidence,
      summary: `${finding.evidence.summary}; a bulk load ${running ? 'is running' : 'ran in this window'} (optimizer.bulkLoad), so this may pass when it settles`,
    },
  }
}
