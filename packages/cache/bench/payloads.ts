/**
 * A JSON-like dashboard row set of about 1 KiB as JSON: what a BI cache typically holds. No Dates,
 * so every contender caches the same thing.
 */
export function kibObject(seed = 1): Record<string, unknown> {
  return {
    id: `report-${seed}`,
    title: 'Quarterly revenue by region',
    generatedAt: '2026-11-28T12:00:00.000Z',
    currency: 'EUR',
    filters: { from: '2026-07-01', to: '2026-09-30', segment: 'enterprise' },
    totals: { revenue: 1_234_567.89, orders: 4_321, customers: 812 },
    rows: Array.from({ length: 9 }, (_, i) => ({
      region: ['EMEA', 'AMER', 'APAC', 'LATAM'][i % 4],
      month: `2026-0${7 + (i % 3)}`,
      revenue: 100_000 + i * 1_234.5 + seed,
      orders: 300 + i,
      growth: 0.05 * i,
    })),
  }
}

/** A ~100 KiB JSON-like value (a table of 840 rows), for compression. */
export function hundredKibObject(): Record<string, unknown> {
  return {
    id: 'export-1',
    columns: ['date', 'region', 'product', 'channel', 'revenue', 'units', 'margin'],
    rows: Array.from({ length: 840 }, (_, i) => ({
      date: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      region: ['EMEA', 'AMER', 'APAC', 'LATAM'][i % 4],
      product: `product-${i % 37}`,
      channel: ['web', 'partner', 'direct'][i % 3],
      revenue: Math.round(1_000 + ((i * 7919) % 50_000)) / 10,
      units: (i * 31) % 400,
      margin: ((i * 13) % 100) / 100,
    })),
  }
}
