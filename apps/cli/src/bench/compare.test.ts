import { describe, expect, it } from 'vitest'
import { compareReports } from './compare.js'
import type { BenchResult } from './report.js'

const result = (name: string, value: number, higherIsBetter: boolean): BenchResult => ({
  suite: 'cache',
  name,
  unit: higherIsBetter ? 'ops/s' : 'ms',
  value,
  higherIsBetter,
})

describe('compareReports', () => {
  it('flags throughput that fell and latency that rose beyond the limit', () => {
    const comparison = compareReports(
      { results: [result('hit', 1000, true), result('p50', 10, false)] },
      { results: [result('hit', 850, true), result('p50', 11.5, false)] },
      10,
    )
    expect(comparison.regressions.map((item) => item.name)).toEqual(['hit', 'p50'])
    expect(comparison.regressions[0]!.changePercent).toBeCloseTo(-15)
    expect(comparison.regressions[1]!.changePercent).toBeCloseTo(15)
  })

  it('accepts changes within the limit and calls big gains improvements', () => {
    const comparison = compareReports(
      { results: [result('hit', 1000, true), result('p50', 10, false)] },
      { results: [result('hit', 950, true), result('p50', 5, false)] },
      10,
    )
    expect(comparison.regressions).toEqual([])
    expect(comparison.compared.map((item) => item.verdict)).toEqual(['same', 'improvement'])
  })

  it('lists results found on one side only without failing', () => {
    const comparison = compareReports(
      { results: [result('old', 1, true), result('hit', 1, true)] },
      { results: [result('hit', 1, true), result('new', 1, true)] },
      10,
    )
    expect(comparison.missingInCurrent).toEqual(['cache/old'])
    expect(comparison.newInCurrent).toEqual(['cache/new'])
    expect(comparison.regressions).toEqual([])
  })
})
