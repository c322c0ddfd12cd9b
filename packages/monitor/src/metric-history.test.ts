import { describe, expect, it } from 'vitest'
import { MetricHistory, summarize } from './metric-history.js'
import { MetricRing } from '@bi-perf/internal'

function filled(capacity: number, points: [number, number][]): MetricHistory {
  const history = new MetricHistory(capacity)
  for (const [timestamp, value] of points) {
    history.record('m', timestamp, value)
    history.newest = timestamp
  }
  return history
}

describe('MetricRing', () => {
  it('keeps the newest values once full, oldest first', () => {
    const ring = new MetricRing(3)
    for (let index = 1; index <= 5; index++) ring.push(index * 1000, index)
    const times = new Float64Array(3)
    const values = new Float64Array(3)
    expect(ring.size).toBe(3)
    expect(ring.copySince(Number.NEGATIVE_INFINITY, times, values)).toBe(3)
    expect([...values]).toEqual([3, 4, 5])
    expect([...times]).toEqual([3000, 4000, 5000])
  })

  it('copies only values newer than the window start', () => {
    const ring = new MetricRing(10)
    for (let index = 1; index <= 4; index++) ring.push(index * 1000, index * 10)
    const times = new Float64Array(10)
    const values = new Float64Array(10)
    expect(ring.copySince(2000, times, values)).toBe(2)
    expect([...values.subarray(0, 2)]).toEqual([30, 40])
  })
})

describe('MetricHistory', () => {
  it('returns timestamped points over a window ending at the newest sample', () => {
    const history = filled(600, [
      [1000, 1],
      [2000, 2],
      [3000, 3],
      [4000, 4],
    ])
    expect(history.points('m', 2000)).toEqual([
      { timestamp: 3000, value: 3 },
      { timestamp: 4000, value: 4 },
    ])
    expect(history.points('m', Number.POSITIVE_INFINITY)).toHaveLength(4)
    expect(history.points('other', 1000)).toEqual([])
  })

  it('summarizes every metric and leaves out those without points in the window', () => {
    const history = new MetricHistory(10)
    history.record('old', 1000, 5)
    history.record('new', 9000, 7)
    history.newest = 9000
    expect(Object.keys(history.summary(1000))).toEqual(['new'])
  })
})

describe('summarize', () => {
  it('computes min, avg, max, nearest-rank p95 and last', () => {
    const count = 100
    const times = new Float64Array(count)
    const values = new Float64Array(count)
    // Values 1..100 in shuffled order, one a second.
    for (let index = 0; index < count; index++) {
      times[index] = 1_700_000_000_000 + index * 1000
      values[index] = ((index * 37) % count) + 1
    }
    const summary = summarize(times, values, count)
    expect(summary.count).toBe(100)
    expect(summary.min).toBe(1)
    expect(summary.max).toBe(100)
    expect(summary.avg).toBe(50.5)
    expect(summary.p95).toBe(95)
    expect(summary.last).toBe(values[99])
  })

  it('gives the least-squares slope per minute on epoch timestamps', () => {
    // +1 every second = +60 per minute, with noise that cancels out.
    const count = 300
    const times = new Float64Array(count)
    const values = new Float64Array(count)
    for (let index = 0; index < count; index++) {
      times[index] = 1_795_000_000_000 + index * 1000
      values[index] = 500 + index + (index % 2 === 0 ? 3 : -3)
    }
    expect(summarize(times, values, count).trendPerMinute).toBeCloseTo(60, 1)
  })

  it('reports a flat trend for one point', () => {
    const summary = summarize(new Float64Array([5]), new Float64Array([42]), 1)
    expect(summary).toMatchObject({ min: 42, max: 42, avg: 42, p95: 42, trendPerMinute: 0 })
  })
})
