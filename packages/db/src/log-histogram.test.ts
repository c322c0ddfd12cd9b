import { describe, expect, it } from 'vitest'
import { LogHistogram } from './log-histogram.js'

describe('LogHistogram', () => {
  it('reports percentiles within its 10 % bucket width', () => {
    const histogram = new LogHistogram()
    for (let value = 1; value <= 1000; value++) histogram.record(value)
    const summary = histogram.summary()
    expect(summary.count).toBe(1000)
    expect(summary.p50).toBeGreaterThan(450)
    expect(summary.p50).toBeLessThan(550)
    expect(summary.p99).toBeGreaterThan(940)
    expect(summary.p99).toBeLessThanOrEqual(1000)
    expect(summary.max).toBe(1000)
  })

  it('is all zeros when empty', () => {
    expect(new LogHistogram().summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 })
  })

  it('keeps sub-microsecond and huge values in its end buckets', () => {
    const histogram = new LogHistogram()
    histogram.record(0)
    histogram.record(1e12)
    expect(histogram.percentile(0.5)).toBeLessThanOrEqual(0.001)
    expect(histogram.max).toBe(1e12)
  })
})
