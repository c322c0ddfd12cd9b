import type { Database } from '@bi-perf/db'
import { sql, type Generated, type Kysely } from 'kysely'
import { FX_TO_EUR } from './dataset.js'

/** The demo's tables, prefixed `demo_` so they never collide with an application's own. */
export interface DemoTables {
  demo_companies: {
    id: number
    name: string
    sector: string
    country: string
    currency: string
    employees: number
  }
  demo_prices: {
    id: Generated<number>
    company_id: number
    product: string
    /** `numeric(14,2)` in the row's own currency; the widgets cast it to float8. */
    price: number | string
    currency: string
    scraped_at: Date
    source: string
  }
  /** Fixed exchange rates, joined by the widgets that sum money across currencies. */
  demo_fx_rates: { currency: string; eur_rate: number | string }
  /** One row (`id = 1`): the insights the background task computed last. */
  demo_insights: { id: number; computed_at: Date; payload: unknown }
  /**
   * Rollup of the price index (see `price-index.ts`): each company's product's average price over
   * the closed weeks before `cutoff`.
   */
  demo_price_baseline: { cutoff: Date; company_id: number; product: string; avg_price: number }
  /** Rollup of the price index: one point per sector and closed week before `cutoff`. */
  demo_price_index: { cutoff: Date; sector: string; week: string; index: number; computed_at: Date }
}

/** The optimizer's database, typed with the demo tables. */
export type DemoDatabase = Database<DemoTables>

/**
 * Every demo table, in creation order. The price-index rollup tables are not listed: they are
 * derived, and created on first use, also on databases seeded before they existed.
 */
export const DEMO_TABLES = [
  'demo_companies',
  'demo_prices',
  'demo_fx_rates',
  'demo_insights',
] as const

/**
 * Creates the demo tables when they are missing (never touches existing ones), and the fixed
 * exchange rates. Indexes come after the bulk load, in {@link createDemoIndexes}, because loading
 * into an indexed table is slower.
 */
export async function createDemoTables(db: Kysely<DemoTables>): Promise<void> {
  await db.schema
    .createTable('demo_companies')
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('sector', 'text', (column) => column.notNull())
    .addColumn('country', 'char(2)', (column) => column.notNull())
    .addColumn('currency', 'char(3)', (column) => column.notNull())
    .addColumn('employees', 'integer', (column) => column.notNull())
    .execute()
  await db.schema
    .createTable('demo_prices')
    .ifNotExists()
    .addColumn('id', 'bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('company_id', 'integer', (column) => column.notNull())
    .addColumn('product', 'text', (column) => column.notNull())
    .addColumn('price', 'numeric(14, 2)', (column) => column.notNull())
    .addColumn('currency', 'char(3)', (column) => column.notNull())
    .addColumn('scraped_at', 'timestamptz', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .execute()
  await db.schema
    .createTable('demo_fx_rates')
    .ifNotExists()
    .addColumn('currency', 'char(3)', (column) => column.primaryKey())
    .addColumn('eur_rate', 'numeric(12, 6)', (column) => column.notNull())
    .execute()
  await db.schema
    .createTable('demo_insights')
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('computed_at', 'timestamptz', (column) => column.notNull())
    .addColumn('payload', 'jsonb', (column) => column.notNull())
    .execute()
  await db
    .insertInto('demo_fx_rates')
    .values(Object.entries(FX_TO_EUR).map(([currency, eur_rate]) => ({ currency, eur_rate })))
    .onConflict((conflict) => conflict.column('currency').doNothing())
    .execute()
}

/** The indexes the widgets' queries use; `if not exists`, so safe to run again. */
export async function createDemoIndexes(db: Kysely<DemoTables>): Promise<void> {
  const indexes: [name: string, table: keyof DemoTables, columns: string[]][] = [
    ['demo_prices_scraped_at_idx', 'demo_prices', ['scraped_at']],
    ['demo_prices_company_product_idx', 'demo_prices', ['company_id', 'product', 'scraped_at']],
    ['demo_prices_source_scraped_at_idx', 'demo_prices', ['source', 'scraped_at']],
    ['demo_companies_country_idx', 'demo_companies', ['country']],
    ['demo_companies_sector_idx', 'demo_companies', ['sector']],
  ]
  for (const [name, table, columns] of indexes) {
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute()
  }
  // Fresh statistics, so the planner picks the indexes right after a bulk load.
  await sql`analyze demo_prices`.execute(db)
  await sql`analyze demo_companies`.execute(db)
}

/**
 * Whether every demo table exists in the connection's search path (on a server the demo runs on
 * tables someone seeded before; it never creates them there unasked).
 */
export async function demoTablesExist(db: Kysely<DemoTables>): Promise<boolean> {
  const { rows } = await sql<{ present: number }>`
    select count(to_regclass(name))::int as present from unnest(${[...DEMO_TABLES]}::text[]) as name
  `.execute(db)
  return Number(rows[0]?.present) === DEMO_TABLES.length
}
