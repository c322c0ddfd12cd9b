import { describe, expect, it } from 'vitest'
import { backoffBounds, backoffDelay, decodeBackoff, encodeBackoff } from './backoff.js'
import type { ResolvedBackoff } from './options.js'

const exponential: ResolvedBackoff = { type: 'exponential', delay: 100, maxDelay: 1000, jitter: 1 }

describe('backoffDelay', () => {
  it('doubles per attempt and stops at maxDelay', () => {
    const none = { ...exponential, jitter: 0 }
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, none))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ])
  })

  it('draws full jitter uniformly between 0 and the capped delay', () => {
    expect(backoffDelay(3, exponential, () => 0)).toBe(400)
    expect(backoffDelay(3, exponential, () => 0.999_999)).toBe(0)
    for (let index = 0; index < 1000; index++) {
      const delay = backoffDelay(5, exponential)
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(1000)
    }
  })

  it('keeps partial jitter inside its bounds', () => {
    const half = { ...exponential, jitter: 0.5 }
    expect(backoffBounds(2, half)).toEqual([100, 200])
    expect(backoffDelay(2, half, () => 0.999_999)).toBe(100)
  })

  it('uses the same delay every time for fixed backoff', () => {
    const fixed: ResolvedBackoff = { type: 'fixed', delay: 250, maxDelay: 250, jitter: 0 }
    expect([1, 4, 9].map((attempt) => backoffDelay(attempt, fixed))).toEqual([250, 250, 250])
  })

  it('round-trips the policy through the BullMQ backoff type', () => {
    expect(decodeBackoff(encodeBackoff(exponential))).toEqual(exponential)
    expect(decodeBackoff('exponential')).toBeUndefined()
    expect(decodeBackoff('bi-perf:exponential:x:1:1')).toBeUndefined()
  })
})
