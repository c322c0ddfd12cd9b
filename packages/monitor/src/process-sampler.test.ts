import { createHistogram } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { delayStats } from './process-sampler.js'

/** A real node histogram holding the given gaps between timer callbacks, in milliseconds. */
function histogramOf(gapsMs: number[]) {
  const histogram = createHistogram()
  for (const gap of gapsMs) histogram.record(Math.round(gap * 1e6))
  return histogram
}

describe('delayStats', () => {
  it('takes the resolution out of every recorded interval', () => {
    const gaps = Array.from({ length: 50 }, (_, index) => 20 + (index % 10) * 0.1)
    const stats = delayStats(histogramOf(gaps), 20, 0.05)
    expect(stats.min).toBe(0)
    expect(stats.max).toBeCloseTo(0.9, 1)
    expect(stats.p50).toBeGreaterThan(0)
    expect(stats.p50).toBeLessThanOrEqual(stats.p99)
  })

  it('lets a stall measured outside the histogram become the max and the p99', () => {
    const gaps = Array.from({ length: 49 }, () => 20.5)
    const stats = delayStats(histogramOf(gaps), 20, 300)
    expect(stats.max).toBe(300)
    // 50 values: rank ceil(0.99 × 50) = 50 is the stall.
    expect(stats.p99).toBe(300)
    expect(stats.p50).toBeCloseTo(0.5, 1)
    expect(stats.mean).toBeCloseTo((0.5 * 49 + 300) / 50, 1)
  })

  it('leaves percentiles alone when the extra value is small', () => {
    const gaps = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]
    const stats = delayStats(histogramOf(gaps), 20, 0)
    // Merged values 0,1..10: p50 is rank 6 → 5, p90 rank 10 → 9, max 10.
    expect(stats.min).toBe(0)
    expect(stats.p50).toBeCloseTo(5, 1)
    expect(stats.p90).toBeCloseTo(9, 1)
    expect(stats.max).toBeCloseTo(10, 1)
  })

  it('reports the extra value alone when the histogram recorded nothing', () => {
    expect(delayStats(createHistogram(), 20, 7)).toEqual({
      min: 7,
      mean: 7,
      p50: 7,
      p90: 7,
      p99: 7,
      max: 7,
    })
  })
})
