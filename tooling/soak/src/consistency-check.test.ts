import { describe, expect, it } from 'vitest'
import { checkConsistency } from './consistency-check.js'
import type { ConsistencySamples } from './consistency-sampler.js'

const healthy = (at: number) => [
  { at, peer: 'writer' as const, healthy: true },
  { at, peer: 'reader' as const, healthy: true },
]

function samples(partial: Partial<ConsistencySamples>): ConsistencySamples {
  return { writes: [], reads: [], states: [...healthy(0), ...healthy(10_000)], ...partial }
}

describe('checkConsistency', () => {
  const write = { key: 'k', version: 2, sentAt: 1_000, ackAt: 1_010, reached: true }

  it('flags a read of an older version made after the staleness bound', () => {
    const result = checkConsistency(
      samples({ writes: [write], reads: [{ key: 'k', sentAt: 1_200, replyAt: 1_201, value: 1 }] }),
      [],
      100,
    )
    expect(result.staleReads).toBe(1)
    expect(result.maxObservedStalenessMs).toBe(190)
  })

  it('allows the previous version within the staleness bound', () => {
    const result = checkConsistency(
      samples({ writes: [write], reads: [{ key: 'k', sentAt: 1_050, replyAt: 1_051, value: 1 }] }),
      [],
      100,
    )
    expect(result).toMatchObject({ checkedReads: 1, staleReads: 0, unexpectedMisses: 0 })
  })

  it('does not judge reads inside a fault window', () => {
    const result = checkConsistency(
      samples({ writes: [write], reads: [{ key: 'k', sentAt: 1_200, replyAt: 1_201, value: 1 }] }),
      [{ start: 1_100, end: 2_000 }],
      100,
    )
    expect(result).toMatchObject({ checkedReads: 0, staleReads: 0 })
  })

  it('flags a miss after a write Redis took, unless the read itself failed', () => {
    const reads = [
      { key: 'k', sentAt: 1_200, replyAt: 1_201, value: null },
      { key: 'k', sentAt: 1_300, replyAt: 1_301, value: null, redisFailed: true },
    ]
    const result = checkConsistency(samples({ writes: [write], reads }), [], 100)
    expect(result).toMatchObject({ unexpectedMisses: 1, missesOnFailedRead: 1 })
  })

  it('accepts a miss after a write that fell back, until the writer settled', () => {
    const fellBack = { ...write, reached: false }
    const result = checkConsistency(
      samples({
        writes: [fellBack],
        reads: [{ key: 'k', sentAt: 1_200, replyAt: 1_201, value: null }],
      }),
      [],
      100,
    )
    expect(result).toMatchObject({ checkedReads: 0, unexpectedMisses: 0 })
  })
})
