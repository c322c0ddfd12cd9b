import { describe, expect, it } from 'vitest'
import { deriveInsights } from './insights.js'
import type { FreshnessWidget, PriceIndexWidget, TopMoversWidget } from './types.js'

const priceIndex: PriceIndexWidget = {
  weeks: ['2026-05-04', '2026-05-11', '2026-05-18', '2026-05-25', '2026-06-01'],
  sectors: [
    { sector: 'Energy', index: [96, 97, 98, 100, 104], latest: 104, change4w: 8 },
    { sector: 'Technology', index: [103, 102, 100, 99, 98], latest: 98, change4w: -5 },
    { sector: 'Retail', index: [100, 100, 100, 100, 100.5], latest: 100.5, change4w: 0.5 },
  ],
}
const topMovers: TopMoversWidget = [
  {
    companyId: 7,
    name: 'Atlas Energy Works GmbH',
    sector: 'Energy',
    country: 'DE',
    changePct: 18.4,
  },
]
const freshness: FreshnessWidget = [
  { source: 'shop-crawler', lastScrapedAt: '', ageMinutes: 1, rowsLast24h: 1200, rows: 9000 },
  { source: 'manual-upload', lastScrapedAt: '', ageMinutes: 4320, rowsLast24h: 0, rows: 800 },
]

describe('deriveInsights', () => {
  it('names the sectors that rose and fell most over four weeks', () => {
    const items = deriveInsights({ priceIndex, topMovers, freshness })
    expect(items.find((i) => i.id === 'sector-rising')).toMatchObject({ value: 8 })
    expect(items.find((i) => i.id === 'sector-rising')!.text).toContain('Energy')
    expect(items.find((i) => i.id === 'sector-falling')).toMatchObject({ value: -5 })
  })

  it('flags a large company move as a warning', () => {
    const mover = deriveInsights({ priceIndex, topMovers, freshness }).find(
      (i) => i.id === 'top-mover',
    )
    expect(mover).toMatchObject({ severity: 'warning', value: 18.4 })
    expect(mover!.text).toContain('+18.4 %')
  })

  it('reports sources silent for a day or more', () => {
    const stale = deriveInsights({ priceIndex, topMovers, freshness }).filter(
      (i) => i.id === 'stale-source',
    )
    expect(stale).toHaveLength(1)
    expect(stale[0]!.text).toContain('manual-upload')
  })

  it('sums the last day over sources that delivered', () => {
    const volume = deriveInsights({ priceIndex, topMovers, freshness }).find(
      (i) => i.id === 'daily-volume',
    )
    expect(volume).toMatchObject({ value: 1200 })
    expect(volume!.text).toContain('from 1 sources')
  })

  it('says nothing about movement without enough weeks', () => {
    const items = deriveInsights({
      priceIndex: {
        weeks: ['2026-06-01'],
        sectors: [{ sector: 'Energy', index: [100], latest: 100, change4w: null }],
      },
      topMovers: [],
      freshness: [],
    })
    expect(items.map((i) => i.id)).toEqual(['daily-volume'])
  })
})
