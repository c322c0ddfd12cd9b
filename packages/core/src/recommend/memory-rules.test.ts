import { describe, expect, it } from 'vitest'
import { feed, GiB, MiB, T0 } from '../../test/fixtures/metrics-feed.js'
import { memoryHeapNearLimit, memoryLeakSuspected } from './memory-rules.js'

describe('memory.heap-near-limit', () => {
  const heapAt = (ratio: number) => () => ({ memory: { heap: { ratio, limit: 4 * GiB } } })

  it('is critical above the hard limit and proposes the memory profile or a bigger heap', () => {
    expect(memoryHeapNearLimit.evaluate(feed(heapAt(0.9)))).toMatchObject({
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
  const MINUTE = 60_000
  /**
   * The memory manager raises its suspicion between the sixth and seventh record (30 s apart);
   * the process has been up `uptimeMinutes` at the last record.
   */
  const leaking =
    ({
      growthMiBPerMinute,
      usedGiB = 1.5,
      uptimeMinutes = 20,
      paused = false,
    }: {
      growthMiBPerMinute: number
      usedGiB?: number
      uptimeMinutes?: number
      paused?: boolean
    }) =>
    (index: number) => ({
      uptimeMs: (uptimeMinutes - (9 - index) * 0.5) * MINUTE,
      memory: {
        heap: { used: usedGiB * GiB, limit: 4 * GiB },
        leak: {
          suspicions: index >= 6 ? 1 : 0,
          lastGrowthBytesPerMinute: index >= 6 ? growthMiBPerMinute * MiB : 0,
          lastSuspicionAt: index >= 6 ? T0 + 6 * 30_000 : 0,
          paused,
        },
      },
    })

  it('is critical when the growth reaches the hard limit within half an hour', () => {
    const recommendation = memoryLeakSuspected.evaluate(
      feed(leaking({ growthMiBPerMinute: 50, usedGiB: 3 })),
    )
    expect(recommendation).toMatchObject({
      id: 'memory.leak-suspected',
      priority: 'critical',
      component: 'memory',
      title:
        'Heap after full GCs grows by 50 MiB/min: a leak is suspected, the hard limit is about 8 min away',
      evidence: {
        metric: 'memory.leak.growthBytesPerMinute',
        value: 50 * MiB,
        window: '5m',
        summary:
          'heap after GC grew 50 MiB/min (1.2% of the 4 GiB limit per min; threshold 0.1%); 3 GiB used, hard limit 3.4 GiB in about 8 min',
      },
      apply: { command: 'bi-performance heap-snapshot', restart: false },
    })
    expect(recommendation?.action).toContain('run bi-performance heap-snapshot twice')
  })

  it('is high when the hard limit is hours away, medium when it is days away', () => {
    expect(memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 10 })))?.priority).toBe(
      'high',
    )
    expect(memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 5 })))?.priority).toBe(
      'medium',
    )
  })

  it('stays silent on growth under 0.1 % of the heap limit per minute', () => {
    expect(memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 2 })))).toBeUndefined()
  })

  it('gives no verdict during the warm-up, nor for a suspicion raised in it', () => {
    expect(
      memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 200, uptimeMinutes: 5 }))),
    ).toBeUndefined()
    // Up 12 minutes at the last record: the suspicion came at 10.5 min, after the warm-up.
    expect(
      memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 200, uptimeMinutes: 12 }))),
    ).toBeDefined()
    // Up 11 minutes: the suspicion came at 9.5 min, inside the warm-up.
    expect(
      memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 200, uptimeMinutes: 11 }))),
    ).toBeUndefined()
  })

  it('gives no verdict while a bulk load pauses detection', () => {
    expect(
      memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 200, paused: true }))),
    ).toBeUndefined()
  })

  it('stays silent on a suspicion raised before the window, and on too little data', () => {
    const old = () => ({
      uptimeMs: 3_600_000,
      memory: { leak: { suspicions: 1, lastGrowthBytesPerMinute: 100 * MiB, lastSuspicionAt: T0 } },
    })
    expect(memoryLeakSuspected.evaluate(feed(old))).toBeUndefined()
    expect(
      memoryLeakSuspected.evaluate(feed(leaking({ growthMiBPerMinute: 200 }), { count: 3 })),
    ).toBeUndefined()
  })
})
