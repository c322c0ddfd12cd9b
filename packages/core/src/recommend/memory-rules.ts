import type { MemoryStats } from '@bi-perf/memory'
import { LEAK_MIN_SHARE_PER_MINUTE, leakVerdict } from '../leak-verdict.js'
import { commandApply, profileApply } from './apply.js'
import { formatBytes, formatPercent, humanBytes, humanDuration, round } from './format.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule, overWindow, readWindow, windowEvidence, windowLabel } from './rule.js'

const MiB = 1024 * 1024
/** Factor a recommendation grows the heap limit by. */
const HEAP_GROWTH = 1.5
/** `--max-old-space-size` proposals are rounded up to a multiple of this many MiB. */
const HEAP_STEP_MIB = 256
/** The command that writes a heap snapshot on a running server (`POST /performance/memory/heap-snapshot`). */
const HEAP_SNAPSHOT_COMMAND = 'bi-performance heap-snapshot'

/** The heap sits near its limit: the process risks pressure cleanups, then running out of memory. */
export const memoryHeapNearLimit = defineRule('memory.heap-near-limit', 'memory', (ctx) => {
  const memory = ctx.metrics.memory
  if (!memory) return undefined
  const ratio = readWindow(ctx, 'memory.heapRatio')
  if (!ratio) return undefined
  const { softLimit, hardLimit } = ctx.metrics.tuning.memory
  const limit =
    ratio.mean >= hardLimit ? hardLimit : ratio.mean >= softLimit ? softLimit : undefined
  if (limit === undefined) return undefined
  return {
    priority: limit === hardLimit ? 'critical' : 'high',
    title: `Heap use averages ${formatPercent(ratio.mean)} of its ${formatBytes(memory.heap.limit)} limit over ${windowLabel(ctx)} (${limit === hardLimit ? 'hard' : 'soft'} limit ${formatPercent(limit)})`,
    evidence: windowEvidence(
      ctx,
      'memory.heapRatio.mean',
      ratio.mean,
      limit,
      `heap ${formatPercent(ratio.mean)} of ${humanBytes(memory.heap.limit)} on average ${overWindow(ctx)} (${limit === hardLimit ? 'hard' : 'soft'} limit ${formatPercent(limit)})`,
    ),
    ...growHeap(ctx, memory),
  }
})

/**
 * Switch to the lean profile (unless it is on), or give the heap more room. The current size is
 * the heap limit the ratio is taken against, in MiB as `--max-old-space-size` takes it.
 */
function growHeap(ctx: RuleContext, memory: MemoryStats): Pick<RuleFinding, 'action' | 'apply'> {
  const current = Math.round(memory.heap.limit / MiB)
  const proposed = Math.ceil((current * HEAP_GROWTH) / HEAP_STEP_MIB) * HEAP_STEP_MIB
  const raise = `raise --max-old-space-size from ${current} to ${proposed} (MiB)`
  // Node reads the heap size at start: NODE_OPTIONS is the one variable that is not a setting.
  const restartWithMoreHeap = {
    env: `NODE_OPTIONS=--max-old-space-size=${proposed}`,
    restart: true,
  }
  return ctx.metrics.profile === 'memory'
    ? { action: raise, apply: restartWithMoreHeap }
    : {
        action: `apply profile "memory" (smaller caches and pools, earlier cleanup; now "${ctx.metrics.profile}"), or ${raise}`,
        apply: profileApply('memory'),
      }
}

/**
 * Heap use after full GCs keeps rising fast enough to matter (see {@link leakVerdict}): not during
 * the warm-up or a bulk load, and as urgent as the time left before the hard limit.
 */
export const memoryLeakSuspected = defineRule('memory.leak-suspected', 'memory', (ctx) => {
  const memory = ctx.metrics.memory
  if (!memory) return undefined
  const suspected = readWindow(ctx, 'memory.leakSuspected')
  if (!suspected || suspected.max < 1) return undefined
  const verdict = leakVerdict(memory, {
    hardLimit: ctx.metrics.tuning.memory.hardLimit,
    uptimeMs: ctx.metrics.uptimeMs,
    now: ctx.metrics.at,
    ...(ctx.leakWarmupMs === undefined ? {} : { warmupMs: ctx.leakWarmupMs }),
  })
  if (!verdict) return undefined
  const growth = humanBytes(verdict.growthBytesPerMinute)
  const eta = humanDuration(verdict.etaMs)
  return {
    priority: verdict.priority,
    title: `Heap after full GCs grows by ${growth}/min: a leak is suspected, the hard limit is about ${eta} away`,
    evidence: windowEvidence(
      ctx,
      'memory.leak.growthBytesPerMinute',
      verdict.growthBytesPerMinute,
      round(LEAK_MIN_SHARE_PER_MINUTE * memory.heap.limit, 0),
      `heap after GC grew ${growth}/min (${formatPercent(verdict.shareOfLimitPerMinute)} of the ${humanBytes(memory.heap.limit)} limit per min; threshold ${formatPercent(LEAK_MIN_SHARE_PER_MINUTE)}); ${humanBytes(memory.heap.used)} used, hard limit ${humanBytes(verdict.hardLimitBytes)} in about ${eta}`,
    ),
    action: `run ${HEAP_SNAPSHOT_COMMAND} twice a few minutes apart and compare what grew (Chrome DevTools, Memory tab, Comparison view); a snapshot blocks the event loop for seconds, so take it off peak`,
    apply: commandApply(HEAP_SNAPSHOT_COMMAND),
  }
})

/** The memory rules, in the order they are documented. */
export const memoryRules: readonly RecommendationRule[] = [memoryHeapNearLimit, memoryLeakSuspected]
