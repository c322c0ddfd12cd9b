import type { Kysely } from 'kysely'
import { generateFreshRows, type DemoCompany } from './dataset.js'
import { deriveInsights } from './insights.js'
import type { Random } from './prng.js'
import type { DemoDatabase, DemoTables } from './schema.js'
import type { InsightsSnapshot } from './types.js'
import { WIDGETS, type QueryRunner } from './widgets.js'

/** What one refresh run did. */
export interface RefreshResult {
  /** Price rows written. */
  inserted: number
  insights: InsightsSnapshot
  /** Wall time, milliseconds. */
  ms: number
}

/**
 * One run of the background refresh: writes `rows` freshly scraped prices (which invalidates
 * every cached read of `demo_prices`, as real traffic would; the price index's closed weeks read a
 * rollup instead, see `price-index.ts`), recomputes the insights from uncached queries, and stores
 * them in `demo_insights` for every instance to read.
 *
 * @example
 * const result = await refreshDemo(db, { companies, random, rows: 200 })
 */
export async function refreshDemo(
  db: DemoDatabase,
  options: { companies: readonly DemoCompany[]; random: Random; rows: number; now?: Date },
): Promise<RefreshResult> {
  const started = performance.now()
  const now = options.now ?? new Date()
  if (options.rows > 0) {
    const rows = generateFreshRows(options.companies, options.random, { rows: options.rows, now })
    await db.kysely.insertInto('demo_prices').values(rows).execute()
  }
  const insights = await computeInsights(db.kysely, options.rows, now.getTime())
  await db.kysely
    .insertInto('demo_insights')
    .values({ id: 1, computed_at: now, payload: JSON.stringify(insights) })
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet((eb) => ({
        computed_at: eb.ref('excluded.computed_at'),
        payload: eb.ref('excluded.payload'),
      })),
    )
    .execute()
  return { inserted: options.rows, insights, ms: Math.round(performance.now() - started) }
}

async function computeInsights(
  kysely: Kysely<DemoTables>,
  newRows: number,
  now: number,
): Promise<InsightsSnapshot> {
  const direct: QueryRunner = (query) => query.execute()
  const [priceIndex, topMovers, freshness] = [
    await WIDGETS.priceIndex.compute(kysely, direct, now),
    await WIDGETS.topMovers.compute(kysely, direct, now),
    await WIDGETS.freshness.compute(kysely, direct, now),
  ]
  return {
    computedAt: new Date(now).toISOString(),
    newRows,
    items: deriveInsights({ priceIndex, topMovers, freshness }),
  }
}
