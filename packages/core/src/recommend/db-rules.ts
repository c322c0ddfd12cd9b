import type { DatabaseStats } from '@bi-perf/db'
import { hostStarvation } from './system-rules.js'
import type { SettingProposal } from './apply.js'
import { NO_SETTING, describeProposal, proposalApply, settingApply } from './apply.js'
import { formatPercent, round, shortenSql } from './format.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule, overWindow, readWindow, windowEvidence, windowLabel } from './rule.js'

/** p95 of callers waiting for a connection above which the pool is too small. */
const WAITING_P95 = 0
/** Pool timeouts per minute above which queries are failing for want of connections. */
const TIMEOUTS_PER_MINUTE = 0
/** The fix when queries wait because other processes hold the CPU. */
const STARVED_ACTION =
  'find what else keeps the CPU busy (top, ps -eo pid,pcpu,comm --sort=-pcpu) and move it, or give this service its own cores: queries hold their connections while they wait for CPU time, so a bigger pool would not help'

/** Most connections one recommendation adds (doubling a large pool could swamp the server). */
const POOL_MAX_STEP = 10
/** Slow queries per minute above which one shape is worth fixing. */
const SLOW_QUERIES_PER_MINUTE = 5
/** Longest SQL quoted in an action. */
const SQL_SHOWN = 80
/** Mean `db.cached()` hit rate below which cached reads are mostly queried anyway. */
const LOW_QUERY_CACHE_HIT_RATE = 0.5
/** Invalidations per result stored at and above which writes, not expiry, empty the cache. */
const INVALIDATIONS_PER_STORE = 0.5

/** The pool maximum a recommendation proposes: double, but at most {@link POOL_MAX_STEP} more. */
function proposedPoolMax(current: number): number {
  return Math.min(2 * current, current + POOL_MAX_STEP)
}

/**
 * What to do about a pool that is too small: PGlite has one connection whatever `pool.max` says,
 * so the fix there is a PostgreSQL server.
 */
function growPool(
  ctx: RuleContext,
  db: DatabaseStats,
): Pick<RuleFinding, 'action' | 'apply' | 'proposal'> {
  if (db.backend === 'pglite') {
    return {
      action:
        'set database.url to a PostgreSQL server: embedded PGlite runs one query at a time, whatever database.pool.max says',
      apply: settingApply('database.url', 'postgres://user:password@host:5432/db'),
    }
  }
  const from = ctx.metrics.tuning.db.poolMax
  const proposal: SettingProposal = {
    setting: 'database.pool.max',
    from,
    to: proposedPoolMax(from),
  }
  return { action: describeProposal(proposal), apply: proposalApply(proposal), proposal }
}

/** Queries queue for a connection: the pool is smaller than the concurrency it serves. */
export const dbPoolWaiting = defineRule('db.pool-waiting', 'db', (ctx) => {
  const db = ctx.metrics.db
  if (!db) return undefined
  const waiting = readWindow(ctx, 'db.pool.waiting')
  if (!waiting || waiting.p95 <= WAITING_P95) return undefined
  const starved = hostStarvation(ctx)
  const evidence = windowEvidence(
    ctx,
    'db.pool.waiting.p95',
    waiting.p95,
    WAITING_P95,
    `${round(waiting.p95, 1)} callers waiting for a connection (p95) ${overWindow(ctx)}, pool of ${db.pool.max}`,
  )
  if (starved) {
    // Queries hold connections longer when they wait for CPU: more connections would not help.
    return {
      priority: 'medium',
      title: `Queries wait for a database connection: waiting p95 = ${round(waiting.p95, 1)} over ${windowLabel(ctx)}`,
      evidence: { ...evidence, summary: `${evidence.summary}; cause: ${starved}` },
      action: STARVED_ACTION,
      apply: NO_SETTING,
    }
  }
  return {
    priority: 'high',
    title: `Queries wait for a database connection: waiting p95 = ${round(waiting.p95, 1)} over ${windowLabel(ctx)}`,
    evidence,
    ...growPool(ctx, db),
  }
})

/** Queries fail with `PoolTimeoutError`: they waited for a connection longer than allowed. */
export const dbPoolTimeouts = defineRule('db.pool-timeouts', 'db', (ctx) => {
  const db = ctx.metrics.db
  if (!db) return undefined
  const timeouts = readWindow(ctx, 'db.pool.acquireTimeoutsPerSecond')
  if (!timeouts) return undefined
  const perMinute = timeouts.mean * 60
  if (perMinute <= TIMEOUTS_PER_MINUTE) return undefined
  const starved = hostStarvation(ctx)
  // Queries fail either way, so the priority stays; the fix named is the one that would help.
  const grown = starved ? { action: STARVED_ACTION, apply: NO_SETTING } : growPool(ctx, db)
  return {
    priority: 'critical',
    title: `Queries fail waiting for a database connection: ${round(perMinute, 1)} PoolTimeoutError/min over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'db.pool.acquireTimeoutsPerMinute',
      perMinute,
      TIMEOUTS_PER_MINUTE,
      `${round(perMinute, 1)} connection timeouts/min ${overWindow(ctx)}, pool of ${db.pool.max}${starved ? `; cause: ${starved}` : ''}`,
    ),
    ...grown,
    action: starved
      ? grown.action
      : `${grown.action}, and keep transactions short (a connection is held until commit)`,
  }
})

/** Queries keep exceeding `slowQueryMs`: name the shape that costs the most. */
export const dbSlowQueries = defineRule('db.slow-queries', 'db', (ctx) => {
  const db = ctx.metrics.db
  if (!db) return undefined
  const slow = readWindow(ctx, 'db.queries.slowPerSecond')
  if (!slow) return undefined
  const perMinute = slow.mean * 60
  if (perMinute <= SLOW_QUERIES_PER_MINUTE) return undefined
  return {
    priority: 'medium',
    title: `${round(perMinute, 1)} queries/min slower than ${db.queries.slowQueryMs} ms over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'db.queries.slowPerMinute',
      perMinute,
      SLOW_QUERIES_PER_MINUTE,
      `${round(perMinute, 1)} queries/min slower than ${db.queries.slowQueryMs} ms ${overWindow(ctx)} (threshold ${SLOW_QUERIES_PER_MINUTE}/min)`,
    ),
    action: `add an index or cache it with db.cached(): ${slowestShape(db)}`,
    apply: NO_SETTING,
  }
})

/**
 * The shape to fix first: of the shapes with the most total time, the first whose p95 is slow;
 * else the one with the most total time; else the latest slow query.
 */
function slowestShape(db: DatabaseStats): string {
  const { top, slow, slowQueryMs } = db.queries
  const shape = top.find((candidate) => candidate.p95Ms >= slowQueryMs) ?? top[0]
  if (shape) {
    return `"${shortenSql(shape.sql, SQL_SHOWN)}" (p95 ${round(shape.p95Ms, 1)} ms, ${shape.count} runs, ${round(shape.totalMs / 1_000, 1)} s in total)`
  }
  const latest = slow.at(-1)
  return latest
    ? `"${shortenSql(latest.sql, SQL_SHOWN)}" (${round(latest.durationMs, 1)} ms)`
    : 'the queries in stats().queries.slow'
}

/** `db.cached()` reads mostly miss: results expire, or writes invalidate whole tables. */
export const dbLowQueryCacheHitRate = defineRule('db.low-query-cache-hit-rate', 'db', (ctx) => {
  if (!ctx.metrics.db) return undefined
  const hitRate = readWindow(ctx, 'db.queryCache.hitRate')
  if (!hitRate || hitRate.mean >= LOW_QUERY_CACHE_HIT_RATE) return undefined
  const stored = readWindow(ctx, 'db.queryCache.storedPerSecond')?.mean ?? 0
  const invalidations = readWindow(ctx, 'db.queryCache.invalidationsPerSecond')?.mean ?? 0
  const summary = `db.cached() hit rate ${formatPercent(hitRate.mean)} ${overWindow(ctx)} (threshold ${formatPercent(LOW_QUERY_CACHE_HIT_RATE)})`
  // Points are equally spaced, so the ratio of the means is the ratio of the window's totals.
  if (stored > 0 && invalidations >= INVALIDATIONS_PER_STORE * stored) {
    // Writes drop the results before they expire: a longer TTL keeps nothing longer.
    return {
      priority: 'medium',
      title: `db.cached() hit rate is ${formatPercent(hitRate.mean)} over ${windowLabel(ctx)}`,
      evidence: windowEvidence(
        ctx,
        'db.queryCache.hitRate.mean',
        hitRate.mean,
        LOW_QUERY_CACHE_HIT_RATE,
        `${summary}; ${round(invalidations, 1)} invalidations/s after writes for ${round(stored, 1)} results stored/s`,
      ),
      action:
        'configure database.cacheScopes for the tables written often, so a write invalidates only the rows it touches; a longer database.cacheTtl would not help, writes invalidate the results first',
      apply: NO_SETTING,
    }
  }
  const from = ctx.metrics.tuning.db.cacheTtlMs
  const proposal: SettingProposal = { setting: 'database.cacheTtl', from, to: 2 * from }
  return {
    priority: 'medium',
    title: `db.cached() hit rate is ${formatPercent(hitRate.mean)} over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'db.queryCache.hitRate.mean',
      hitRate.mean,
      LOW_QUERY_CACHE_HIT_RATE,
      summary,
    ),
    action: `${describeProposal(proposal)}, or configure database.cacheScopes for tables written often so a write invalidates only the rows it touches`,
    apply: proposalApply(proposal),
    proposal,
  }
})

/** The database rules, in the order they are documented. */
export const dbRules: readonly RecommendationRule[] = [
  dbPoolWaiting,
  dbPoolTimeouts,
  dbSlowQueries,
  dbLowQueryCacheHitRate,
]
