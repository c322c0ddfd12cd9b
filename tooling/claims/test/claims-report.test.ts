import { describe, expect, it } from 'vitest'
import { formatClaimed, judge, type ClaimResult } from '../src/claim.js'
import { renderReport, renderTable } from '../src/render.js'
import { median, percentLower, percentile } from '../src/stats.js'

const range = { kind: 'range', low: 40, high: 60, unit: '%' } as const
const ceiling = { kind: 'below', limit: 1, unit: '% of one core' } as const

function result(overrides: Partial<ClaimResult> = {}): ClaimResult {
  return {
    claim: '40–60 % faster dashboard loading with caching',
    claimed: range,
    figure: 50,
    how: 'cold vs cached',
    details: ['details of the dashboard claim'],
    ...overrides,
  }
}

describe('percentLower', () => {
  it('is the share of the first value the second saves', () => {
    expect(percentLower(100, 60)).toBe(40)
    expect(percentLower(8, 2)).toBe(75)
  })

  it('is negative when the second value is higher', () => {
    expect(percentLower(570, 654)).toBeCloseTo(-14.74, 2)
  })

  it('is NaN without a positive first value', () => {
    expect(percentLower(0, 5)).toBeNaN()
  })
})

describe('median and percentile', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it('ranks percentiles by nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.9)).toBe(5)
    expect(percentile([5, 1, 4, 2, 3], 0.2)).toBe(1)
  })
})

describe('judge', () => {
  it('holds inside the claimed range and says when a figure is above it', () => {
    expect(judge(range, 40)).toBe('yes')
    expect(judge(range, 60)).toBe('yes')
    expect(judge(range, 85)).toBe('yes, above the range')
  })

  it('does not hold below the range or at the wrong side of zero', () => {
    expect(judge(range, 12)).toBe('no, below the range')
    expect(judge(range, -14.7)).toBe('no')
  })

  it('holds a ceiling claim only under the limit', () => {
    expect(judge(ceiling, 0.25)).toBe('yes')
    expect(judge(ceiling, 1)).toBe('no')
  })

  it('reports a missing figure as not measured', () => {
    expect(judge(range, undefined)).toBe('not measured')
    expect(judge(range, Number.NaN)).toBe('not measured')
  })
})

describe('renderTable', () => {
  it('puts the claimed range beside our figure and the verdict', () => {
    const table = renderTable([
      result(),
      result({ claim: 'monitoring at under 1 % overhead', claimed: ceiling, figure: 0.2346 }),
    ])
    expect(table.split('\n')).toEqual([
      '| claim | claimed range | our figure | holds? | how measured |',
      '| --- | --- | --- | --- | --- |',
      '| 40–60 % faster dashboard loading with caching | 40–60 % | 50.0 % | yes | cold vs cached |',
      '| monitoring at under 1 % overhead | < 1 % of one core | 0.235 % of one core | yes | cold vs cached |',
    ])
  })

  it('shows the note of a claim that does not hold and escapes pipes', () => {
    const table = renderTable([
      result({ figure: -14.7, note: 'RSS; heap 20 % lower', how: 'a | b' }),
    ])
    expect(table).toContain('| -14.7 % | no (RSS; heap 20 % lower) | a \\| b |')
  })
})

describe('renderReport', () => {
  it('records date, machine, load average and command before the table and the details', () => {
    const markdown = renderReport({
      startedAt: new Date('2026-12-04T18:00:00Z'),
      finishedAt: new Date('2026-12-04T18:04:30Z'),
      command: 'pnpm bench:claims',
      machine: {
        cpuModel: 'Xeon',
        cores: 2,
        memoryGiB: 23.5,
        node: 'v20.20.2',
        load: [1, 0.5, 0.25],
      },
      loadAtEnd: [2, 1, 0.5],
      results: [result()],
    })
    expect(markdown).toContain('Run 2026-12-04T18:00:00.000Z (4.5 min) with `pnpm bench:claims`.')
    expect(markdown).toContain('2 × Xeon, 23.5 GiB RAM, Node v20.20.2')
    expect(markdown).toContain('1.00 / 0.50 / 0.25 at the start, 2.00 / 1.00 / 0.50 at the end')
    expect(markdown.indexOf('| claim |')).toBeLessThan(markdown.indexOf('## 40–60 %'))
    expect(markdown).toContain('details of the dashboard claim')
  })

  it('formats the claimed range as the seed words it', () => {
    expect(formatClaimed(range)).toBe('40–60 %')
    expect(formatClaimed(ceiling)).toBe('< 1 % of one core')
  })
})
