import type { MemoryStats } from '@bi-perf/memory'
import { formatBytes, formatPercent } from './recommend-format.js'
import type { RecommendationRule, RuleContext } from './recommend-rule.js'
import { defineRule, readWindow, windowEvidence, windowLabel } from './recommend-rule.js'

const MiB = 1024 * 1024
/** Factor a recommendation grows the heap limit by. */
const HEAP_GROWTH = 1.5
/** `--max-old-space-size` proposals are rounded up to a multiple of this many MiB. */
const HEAP_STEP_MIB = 256
/** Leak growth, bytes per minute, above which a suspicion is reported (any confirmed growth). */
const LEAK_GROWTH_PER_MINUTE = 0

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
    evidence: windowEvidence(ctx, 'memory.heapRatio.mean', ratio.mean, limit),
    action: growHeap(ctx, memory),
  }
})

/**
 * Switch to the lean profile (unless it is on), or give the heap more room. The current size is
 * the heap limit the ratio is taken against, in MiB as `--max-old-space-size` takes it.
 */
function growHeap(ctx: RuleContext, memory: MemoryStats): string {
  const current = Math.round(memory.heap.limit / MiB)
  const proposed = Math.ceil((current * HEAP_GROWTH) / HEAP_STEP_MIB) * HEAP_STEP_MIB
  const raise = `raise --max-old-space-size from ${current} to ${proposed} (MiB)`
  return ctx.metrics.profile === 'memory'
    ? raise
    : `apply profile "memory" (smaller caches and pools, earlier cleanup; now "${ctx.metrics.profile}"), or ${raise}`
}

/** Heap use after full GCs keeps rising: something holds on to memory. */
export const memoryLeakSuspected = defineRule('memory.leak-suspected', 'memory', (ctx) => {
  const memory = ctx.metrics.memory
  if (!memory) return undefined
  const suspected = readWindow(ctx, 'memory.leakSuspected')
  if (!suspected || suspected.max < 1) return undefined
  const growth = memory.leak.lastGrowthBytesPerMinute
  return {
    priority: 'critical',
    title: `Heap after full GCs grows by ${formatBytes(growth)}/min: a leak is suspected (${memory.leak.suspicions === 1 ? '1 suspicion' : `${memory.leak.suspicions} suspicions`} so far)`,
    evidence: windowEvidence(
      ctx,
      'memory.leak.growthBytesPerMinute',
      growth,
      LEAK_GROWTH_PER_MINUTE,
    ),
    action: `write two heap snapshots a few minutes apart (memory.writeHeapSnapshot(dir)) and compare what grew; heap used is ${formatBytes(memory.heap.used)} of ${formatBytes(memory.heap.limit)}`,
  }
})

/** The memory rules, in the order they are documented. */
export const memoryRules: readonly RecommendationRule[] = [memoryHeapNearLimit, memoryLeakSuspected]
