import { InvalidArgumentError } from '@bi-perf/core'
import type { Database } from '@bi-perf/db'
import { sql } from 'kysely'
import { readOption } from '../option-reader.js'
import { generateCompanies, generatePriceRows, type DemoPriceRow } from './dataset.js'
import { clearRollup } from './price-index.js'
import { createDemoIndexes, createDemoTables, type DemoDatabase } from './schema.js'

/** Options of {@link seedDemoData}. */
export interface SeedOptions {
  /**
   * Price rows to generate.
   * @default 200_000
   */
  rows?: number
  /**
   * Companies to generate.
   * @default 500
   */
  companies?: number
  /**
   * Seed of the generator: the same seed gives the same companies, prices and sources.
   * @default 42
   */
  seed?: number
  /**
   * The moment the 90 days of history end (the newest scrape).
   * @default now
   */
  end?: Date
}

/** What {@link seedDemoData} did. */
export interface SeedResult {
  /** `false` when the tables already held data and nothing was loaded. */
  seeded: boolean
  /** Rows in `demo_companies` afterwards. */
  companies: number
  /** Rows in `demo_prices` afterwards. */
  priceRows: number
  /** Wall time of the whole call, milliseconds. */
  ms: number
  /** How the price rows went in: `copy` on a server, `batch-insert` on PGlite, `none` when skipped. */
  method: 'copy' | 'batch-insert' | 'none'
}

/** Default row counts and seed; the workload's refresh uses the same companies. */
export const SEED_DEFAULTS = { rows: 200_000, companies: 500, seed: 42 } as const

// PGlite runs in this thread: each statement blocks the event loop while it runs. Loading in
// slices and yielding to the event loop between them keeps the server answering (503 while
// seeding, health checks) during the load, and keeps the peak memory small.
const PGLITE_SLICE = 10_000

/**
 * Creates the demo tables if they do not exist and fills them when they are empty: companies,
 * fixed exchange rates and `rows` price rows over 90 days, then the indexes. Idempotent: a second
 * call (or one against tables someone seeded before) loads nothing and reports `seeded: false`.
 * Two processes seeding the same empty database at once are not coordinated; start one first.
 *
 * @example
 * const result = await seedDemoData(optimizer.db, { rows: 200_000 })
 * console.log(`${result.priceRows} rows in ${result.ms} ms`)
 */
export async function seedDemoData(
  database: Database<unknown> | DemoDatabase,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const started = performance.now()
  const rows = readOption.count('options.rows', options.rows ?? SEED_DEFAULTS.rows)
  const count = readOption.count('options.companies', options.companies ?? SEED_DEFAULTS.companies)
  const seed = options.seed ?? SEED_DEFAULTS.seed
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError('options.seed', seed, 'must be an integer')
  }
  const end = options.end ?? new Date()
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) {
    throw new InvalidArgumentError('options.end', end, 'must be a valid Date')
  }

  const db = database as DemoDatabase
  await createDemoTables(db.kysely)
  const before = await counts(db)
  let method: SeedResult['method'] = 'none'
  const companies = generateCompanies(count, seed)
  if (before.companies === 0) {
    await db.batchInsert(
      'demo_companies',
      companies.map(({ id, name, sector, country, currency, employees }) => ({
        id,
        name,
        sector,
        country,
        currency,
        employees,
      })),
    )
  }
  if (before.priceRows === 0) {
    const generated = generatePriceRows(companies, { rows, seed, end })
    if (db.backend === 'postgres') {
      method = (await db.copyFrom('demo_prices', generated)).method
    } else {
      for (const slice of slices(generated, PGLITE_SLICE)) {
        await new Promise((resolve) => setImmediate(resolve))
        await db.batchInsert('demo_prices', slice)
      }
      method = 'batch-insert'
    }
  }
  const seeded = before.companies === 0 || before.priceRows === 0
  if (seeded) {
    await createDemoIndexes(db.kysely)
    // A rollup of other history (tables emptied and seeded again) must not outlive it.
    await clearRollup(db.kysely)
  }
  const after = seeded ? await counts(db) : before
  return { seeded, ...after, ms: Math.round(performance.now() - started), method }
}

async function counts(db: DemoDatabase): Promise<{ companies: number; priceRows: number }> {
  const { rows } = await sql<{ companies: number; price_rows: number }>`
    select (select count(*) from demo_companies)::int as companies,
           (select count(*) from demo_prices)::int as price_rows
  `.execute(db.kysely)
  return { companies: Number(rows[0]!.companies), priceRows: Number(rows[0]!.price_rows) }
}

function* slices(rows: Iterable<DemoPriceRow>, size: number): Generator<DemoPriceRow[]> {
  let slice: DemoPriceRow[] = []
  for (const row of rows) {
    slice.push(row)
    if (slice.length === size) {
      yield slice
      slice = []
    }
  }
  if (slice.length > 0) yield slice
}
