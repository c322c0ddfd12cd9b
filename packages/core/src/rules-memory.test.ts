import { describe, expect, it } from 'vitest'
import { feed, GiB, MiB } from './recommend-fixtures.js'
import { memoryHeapNearLimit, memoryLeakSuspected } from './rules-memory.js'

describe('memory.heap-near-limit', () => {
  const heapAt = (ratio: number) => () => ({ memory: { heap: { ratio, limit: 4 * GiB } } })

  it('is critical above the hard limit and proposes the memory profile or a bigger heap', () => {
    expect(memoryHeapNearLimit.evaluate(feed(heapAt(0.9)))).toEqual({
      id: 'memory.heap-near-limit',
      priority: 'critical',
      component: 'memory',
      title: 'Heap use averages 90% of its 4GiB limit over 5m (hard limit 85%)',
      evidence: { metric: 'memory.heapRatio.mean', value: 0.9, threshold: 0.85, window: '5m' },
      action:
        'apply profile "memory" (smaller caches and pools, earlier cleanup; now "balanced"), or raise --max-old-space-size from 4096 to 6144 (MiB)',
    })
  })

  it('is high above the soft limit', () => {
    const recommendation = memoryHeapNearLimit.evaluate(feed(heapAt(0.75)))
    expect(recommendation?.priority).toBe('high')
    expect(recommendation?.evidence.threshold).toBe(0.7)
  })

  it('only proposes a bigger heap when the memory profile is already on', () => {
    const ctx = feed(() => ({
      profile: 'memory' as const,
      tuning: { memory: { softLimit: 0.6, hardLimit: 0.75 } },
      memory: { heap: { ratio: 0.65, limit: 1_000 * MiB } },
    }))
    const recommendation = memoryHeapNearLimit.evaluate(ctx)
    expect(recommendation?.priority).toBe('high')
    expect(recommendation?.action).toBe('raise --max-old-space-size from 1000 to 1536 (MiB)')
  })

  it('stays silent below the soft limit, and on too little data', () => {
    expect(memoryHeapNearLimit.evaluate(feed(heapAt(0.5)))).toBeUndefined()
    expect(memoryHeapNearLimit.evaluate(feed(heapAt(0.9), { count: 2 }))).toBeUndefined()
  })
})

describe('memory.leak-suspected', () => {
  // The memory manager raises its suspicion between the sixth and seventh record.
  const leaking = (index: number) => ({
    memory: {
      heap: { used: 1.5 * GiB, limit: 4 * GiB },
      leak: {
        suspicions: index >= 6 ? 1 : 0,
        lastGrowthBytesPerMinute: index >= 6 ? 2 * MiB : 0,
      },
    },
  })

  it('is critical when a leak was suspected in the window, with the growth rate', () => {
    expect(memoryLeakSuspected.evaluate(feed(leaking))).toEqual({
      id: 'memory.leak-suspected',
      priority: 'critical',
      component: 'memory',
      title: 'Heap after full GCs grows by 2MiB/min: a leak is suspected (1 suspicion so far)',
      evidence: {
        metric: 'memory.leak.growthBytesPerMinute',
        value: 2 * MiB,
        threshold: 0,
        window: '5m',
      },
      action:
        'write two heap snapshots a few minutes apart (memory.writeHeapSnapshot(dir)) and compare what grew; heap used is 1.5GiB of 4GiB',
    })
  })

  it('stays silent on a suspicion raised before the window, and on too little data', () => {
    const old = () => ({ memory: { leak: { suspicions: 1, lastGrowthBytesPerMinute: MiB } } })
    expect(memoryLeakSuspected.evaluate(feed(old))).toBeUndefined()
    const recent = (index: number) => ({ memory: { leak: { suspicions: index } } })
    expect(memoryLeakSuspected.evaluate(feed(recent, { count: 3 }))).toBeUndefined()
  })
})
