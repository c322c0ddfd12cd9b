import type { SettingProposal } from './apply.js'
import { NO_SETTING, describeProposal, proposalApply } from './apply.js'
import { formatBytes, formatPercent, humanBytes, round } from './format.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule, overWindow, readWindow, windowEvidence, windowLabel } from './rule.js'

/** Mean hit rate below which the cache is not earning its keep. */
const LOW_HIT_RATE = 0.5
/** Lookups per second below which a hit rate says little. */
const MIN_LOOKUPS_PER_SECOND = 1
/** In-process evictions per second that count as churn. */
const HIGH_EVICTIONS_PER_SECOND = 5
/** In-process fill (bytes / maxBytes) at which the byte bound is what evicts. */
const FULL_L1_FILL = 0.95
/** Bytes saved per compressed value below which compression costs more CPU than it saves. */
const MIN_BYTES_SAVED_PER_COMPRESSED = 64
/** Values compressed within the window before compression is judged. */
const MIN_COMPRESSED_VALUES = 10
/** Redis p99 latency, in milliseconds, above which the shared tier is slow. */
const SLOW_L2_P99_MS = 20
/**
 * Entries removed by clears, deletes and invalidations per entry written, at and above which
 * misses come from removals rather than expiry: a longer TTL cannot help.
 */
const REMOVALS_PER_WRITE = 0.5

/** Doubling the in-process byte bound, as a proposal the profile guard can check. */
function doubleL1(ctx: RuleContext): SettingProposal {
  const from = ctx.metrics.tuning.cache.l1MaxBytes
  return { setting: 'cache.l1.maxBytes', from, to: 2 * from }
}

/**
 * Entries removed explicitly (clear, delete, tag invalidation, other instances' invalidations)
 * per entry written over the rule window, when that explains the misses; `undefined` otherwise.
 */
function removalShare(ctx: RuleContext) {
  const writes = readWindow(ctx, 'cache.l1.writesPerSecond')
  const removals = readWindow(ctx, 'cache.l1.removalsPerSecond')
  if (!writes || !removals || writes.mean <= 0 || removals.mean <= 0) return undefined
  // Points are equally spaced, so the ratio of the means is the ratio of the window's totals.
  const share = removals.mean / writes.mean
  return share >= REMOVALS_PER_WRITE
    ? { share, removalsPerSecond: removals.mean, writesPerSecond: writes.mean }
    : undefined
}

/** Most lookups miss: entries expire or are evicted before they are read again. */
export const cacheLowHitRate = defineRule('cache.low-hit-rate', 'cache', (ctx) => {
  if (!ctx.metrics.cache) return undefined
  const hitRate = readWindow(ctx, 'cache.hitRate')
  const lookups = readWindow(ctx, 'cache.lookups')
  if (!hitRate || !lookups) return undefined
  if (hitRate.mean >= LOW_HIT_RATE || lookups.mean < MIN_LOOKUPS_PER_SECOND) return undefined
  const title = `Cache hit rate is ${formatPercent(hitRate.mean)} over ${windowLabel(ctx)} (${round(lookups.mean, 1)} lookups/s)`
  const evidence = windowEvidence(
    ctx,
    'cache.hitRate.mean',
    hitRate.mean,
    LOW_HIT_RATE,
    `hit rate ${formatPercent(hitRate.mean)} ${overWindow(ctx)} at ${round(lookups.mean, 1)} lookups/s (threshold ${formatPercent(LOW_HIT_RATE)})`,
  )
  const removed = removalShare(ctx)
  if (removed !== undefined) {
    // Entries go before they expire: a longer TTL keeps nothing longer. Say so, quietly.
    return {
      priority: 'low',
      title,
      evidence: {
        ...evidence,
        summary: `${evidence.summary}; ${round(removed.removalsPerSecond, 1)} entries/s removed by clears and invalidations for ${round(removed.writesPerSecond, 1)} written/s ${overWindow(ctx)}`,
      },
      action: `misses follow clears and invalidations (${formatPercent(removed.share)} of the entries written were removed before they expired), so a longer cache.ttl would not help: clear by tag or pattern instead of everything, or less often`,
      apply: NO_SETTING,
    }
  }
  const evictions = ctx.history.window('cache.l1.evictionsPerSecond', ctx.windowMs)
  // Evictions mean entries are pushed out before they expire: a longer TTL would not help.
  const proposal: SettingProposal =
    evictions && evictions.mean >= HIGH_EVICTIONS_PER_SECOND
      ? doubleL1(ctx)
      : {
          setting: 'cache.ttl',
          from: ctx.metrics.tuning.cache.ttlMs,
          to: 2 * ctx.metrics.tuning.cache.ttlMs,
        }
  const why =
    proposal.setting === 'cache.l1.maxBytes'
      ? `: ${round(evictions!.mean, 1)} entries/s are evicted before they are read again`
      : ''
  return {
    priority: 'medium',
    title,
    evidence,
    action: `${describeProposal(proposal)}${why}`,
    apply: proposalApply(proposal),
    proposal,
  } satisfies RuleFinding
})

/** The in-process tier is full and keeps evicting: it is too small for the working set. */
export const cacheHighEviction = defineRule('cache.high-eviction', 'cache', (ctx) => {
  if (!ctx.metrics.cache?.l1.enabled) return undefined
  const evictions = readWindow(ctx, 'cache.l1.evictionsPerSecond')
  const fill = readWindow(ctx, 'cache.l1.fill')
  if (!evictions || !fill) return undefined
  if (evictions.mean < HIGH_EVICTIONS_PER_SECOND || fill.mean < FULL_L1_FILL) return undefined
  const proposal = doubleL1(ctx)
  return {
    priority: 'medium',
    title: `In-process cache evicts ${round(evictions.mean, 1)} entries/s at ${formatPercent(fill.mean)} full over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'cache.l1.evictionsPerSecond.mean',
      evictions.mean,
      HIGH_EVICTIONS_PER_SECOND,
      `${round(evictions.mean, 1)} evictions/s at ${formatPercent(fill.mean)} of ${humanBytes(ctx.metrics.tuning.cache.l1MaxBytes)} full ${overWindow(ctx)} (threshold ${HIGH_EVICTIONS_PER_SECOND}/s)`,
    ),
    action: describeProposal(proposal),
    apply: proposalApply(proposal),
    proposal,
  }
})

/** Compressed values barely shrink: compression spends CPU on both ends for nothing. */
export const cacheCompressionNotPaying = defineRule(
  'cache.compression-not-paying',
  'cache',
  (ctx) => {
    if (!ctx.metrics.cache) return undefined
    const compressed = readWindow(ctx, 'cache.compressed')
    const saved = ctx.history.window('cache.bytesSavedPerCompressed', ctx.windowMs)
    if (!compressed || !saved) return undefined
    const values = Math.round(compressed.mean * compressed.count)
    if (values < MIN_COMPRESSED_VALUES || saved.mean >= MIN_BYTES_SAVED_PER_COMPRESSED) {
      return undefined
    }
    const threshold = ctx.metrics.tuning.cache.compressionThreshold
    const proposal: SettingProposal = {
      setting: 'cache.compression.threshold',
      from: threshold,
      to: 4 * threshold,
    }
    return {
      priority: 'low',
      title: `Compression saves ${round(saved.mean, 1)} bytes per value (${values} values compressed over ${windowLabel(ctx)})`,
      evidence: windowEvidence(
        ctx,
        'cache.bytesSavedPerCompressed.mean',
        saved.mean,
        MIN_BYTES_SAVED_PER_COMPRESSED,
        `${round(saved.mean, 1)} bytes saved per compressed value, ${values} values ${overWindow(ctx)} (threshold ${MIN_BYTES_SAVED_PER_COMPRESSED} bytes)`,
      ),
      action: describeProposal(proposal),
      apply: proposalApply(proposal),
      proposal,
    }
  },
)

/** The circuit breaker in front of Redis is open: the shared tier is out of use. */
export const cacheRedisCircuitOpen = defineRule('cache.redis-circuit-open', 'cache', (ctx) => {
  const cache = ctx.metrics.cache
  if (!cache?.l2 || cache.l2.breaker === 'closed') return undefined
  // The breaker state is read now; the window only proves the history is long enough to speak.
  const open = readWindow(ctx, 'cache.l2.breakerOpen')
  if (!open) return undefined
  const meanwhile = cache.l1.enabled
    ? `the cache serves from its in-process tier (${formatBytes(cache.l1.bytes)} of ${formatBytes(cache.l1.maxBytes)}) meanwhile`
    : 'every lookup misses meanwhile (the in-process tier is off)'
  return {
    priority: 'critical',
    title: `Redis circuit breaker is ${cache.l2.breaker} (open in ${formatPercent(open.mean)} of samples over ${windowLabel(ctx)})`,
    evidence: {
      metric: 'cache.l2.breakerOpen',
      value: 1,
      threshold: 1,
      window: 'now',
      summary: `Redis circuit ${cache.l2.breaker} now, open in ${formatPercent(open.mean)} of samples ${overWindow(ctx)}; ${cache.l2.errors} failed commands`,
    },
    action: `check Redis (connection ${cache.l2.connection}, ${cache.l2.errors} failed commands, ${cache.l2.pendingInvalidations} invalidations waiting); ${meanwhile}`,
    apply: NO_SETTING,
  }
})

/** Redis answers slowly: every L1 miss pays for it. */
export const cacheL2Slow = defineRule('cache.l2-slow', 'cache', (ctx) => {
  if (!ctx.metrics.cache?.l2) return undefined
  const p99 = readWindow(ctx, 'cache.l2.p99Ms')
  if (!p99 || p99.mean <= SLOW_L2_P99_MS) return undefined
  const proposal = doubleL1(ctx)
  return {
    priority: 'medium',
    title: `Redis p99 latency is ${round(p99.mean, 1)} ms over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'cache.l2.p99Ms.mean',
      p99.mean,
      SLOW_L2_P99_MS,
      `Redis p99 latency ${round(p99.mean, 1)} ms on average ${overWindow(ctx)} (threshold ${SLOW_L2_P99_MS} ms)`,
    ),
    action: `check Redis latency (network round trip, SLOWLOG GET, large values), and ${describeProposal(proposal)} so more reads stay in process`,
    apply: proposalApply(proposal),
    proposal,
  }
})

/** The cache rules, in the order they are documented. */
export const cacheRules: readonly RecommendationRule[] = [
  cacheLowHitRate,
  cacheHighEviction,
  cacheCompressionNotPaying,
  cacheRedisCircuitOpen,
  cacheL2Slow,
]
