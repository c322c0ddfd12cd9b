import { sql, type Kysely } from 'kysely'
import type { DemoTables } from './schema.js'
import type { PriceIndexWidget } from './types.js'
import type { QueryRunner } from './widgets.js'

/**
 * A week counts as closed this long after it ended (Monday 00:00 UTC). The refresh writes rows
 * dated at most `generateFreshRows`' spread (30 s) before the moment it runs, and nothing else in
 * the demo writes `demo_prices` after seeding, so an hour's margin means no demo write ever lands
 * in a closed week.
 */
export const CLOSED_WEEK_GRACE_MS = 60 * 60_000

/**
 * A rollup older than this is computed again even though its week did not change: the bound on
 * how long a write the demo does not make (someone's SQL into an old week) stays invisible.
 */
export const ROLLUP_MAX_AGE_MS = 60 * 60_000

const WEEK_MS = 7 * 24 * 60 * 60_000
// 1970-01-05 was a Monday: weeks are counted from there, in UTC.
const FIRST_MONDAY_MS = 4 * 24 * 60 * 60_000
// One rollup at a time across every process sharing the database.
const ROLLUP_LOCK = 0x5c_4a_9f

/** One point of the index: a sector's average relative price in one week. */
export interface PriceIndexPoint {
  sector: string
  /** Monday of the week, `YYYY-MM-DD` (UTC). */
  week: string
  index: number
}

/**
 * Start (Monday 00:00 UTC) of the first week that is not closed at `now`: rows before it belong to
 * closed weeks, which the demo never writes again.
 */
export function closedWeeksCutoff(now: number): Date {
  const settled = now - CLOSED_WEEK_GRACE_MS
  return new Date(settled - ((settled - FIRST_MONDAY_MS) % WEEK_MS))
}

const ensured = new WeakMap<object, Promise<void>>()

/**
 * Creates the rollup tables when missing (also on PostgreSQL databases whose demo tables were
 * seeded before they existed).
 */
export function ensurePriceIndexTables(db: Kysely<DemoTables>): Promise<void> {
  let pending = ensured.get(db)
  if (!pending) {
    pending = createPriceIndexTables(db)
    pending.catch(() => ensured.delete(db))
    ensured.set(db, pending)
  }
  return pending
}

async function createPriceIndexTables(db: Kysely<DemoTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(trx)
    await trx.schema
      .createTable('demo_price_baseline')
      .ifNotExists()
      .addColumn('cutoff', 'timestamptz', (column) => column.notNull())
      .addColumn('company_id', 'integer', (column) => column.notNull())
      .addColumn('product', 'text', (column) => column.notNull())
      .addColumn('avg_price', 'float8', (column) => column.notNull())
      .addPrimaryKeyConstraint('demo_price_baseline_pkey', ['cutoff', 'company_id', 'product'])
      .execute()
    await trx.schema
      .createTable('demo_price_index')
      .ifNotExists()
      .addColumn('cutoff', 'timestamptz', (column) => column.notNull())
      .addColumn('sector', 'text', (column) => column.notNull())
      .addColumn('week', 'text', (column) => column.notNull())
      .addColumn('index', 'float8', (column) => column.notNull())
      .addColumn('computed_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('demo_price_index_pkey', ['cutoff', 'sector', 'week'])
      .execute()
  })
}

/**
 * The closed weeks of the index, from the rollup. This read is the point of the rollup: it names
 * only `demo_price_index`, so the refresh's inserts into `demo_prices` do not invalidate its
 * cached result, and the heaviest query of the dashboard (every price row, twice) runs once per
 * week instead of after every refresh. It is still correct because its inputs cannot change
 * under it: the rows of closed weeks are never written again (see {@link CLOSED_WEEK_GRACE_MS}),
 * its key carries the cutoff (a new week is a new key), reseeding empties the rollup, and a rollup
 * older than {@link ROLLUP_MAX_AGE_MS} is recomputed.
 */
export function closedWeeksQuery(db: Kysely<DemoTables>, cutoff: Date) {
  return db
    .selectFrom('demo_price_index')
    .select([
      'sector',
      'week',
      'index',
      sql<number>`(extract(epoch from computed_at) * 1000)::float8`.as('computed_ms'),
    ])
    .where('cutoff', '=', cutoff)
    .orderBy('week')
    .orderBy('sector')
}

/**
 * The open weeks (at and after the cutoff) against the closed weeks' baseline: a few days of rows,
 * so cheap to run again after every refresh, which it must (those rows are what the refresh
 * writes).
 */
export function openWeeksQuery(db: Kysely<DemoTables>, cutoff: Date) {
  return db
    .selectFrom('demo_prices as p')
    .innerJoin('demo_price_baseline as b', (join) =>
      join
        .on('b.cutoff', '=', cutoff)
        .onRef('b.company_id', '=', 'p.company_id')
        .onRef('b.product', '=', 'p.product'),
    )
    .innerJoin('demo_companies as c', 'c.id', 'p.company_id')
    .select([
      'c.sector',
      sql<string>`to_char(date_trunc('week', p.scraped_at at time zone 'UTC'), 'YYYY-MM-DD')`.as(
        'week',
      ),
      sql<number>`round((avg(p.price / b.avg_price) * 100)::numeric, 1)::float8`.as('index'),
    ])
    .where('p.scraped_at', '>=', cutoff)
    .groupBy(['c.sector', sql`date_trunc('week', p.scraped_at at time zone 'UTC')`])
    .orderBy('week')
    .orderBy('c.sector')
}

/**
 * The full weekly index computed straight from `demo_prices`, uncached: what the rollup and the
 * open weeks together must equal. The baseline of each company's product is its average price
 * over the closed weeks.
 */
export function directIndexQuery(db: Kysely<DemoTables>, cutoff: Date) {
  return db
    .with('baseline', (qb) =>
      qb
        .selectFrom('demo_prices')
        .select(['company_id', 'product', sql<number>`avg(price)::float8`.as('avg_price')])
        .where('scraped_at', '<', cutoff)
        .groupBy(['company_id', 'product']),
    )
    .selectFrom('demo_prices as p')
    .innerJoin('baseline as b', (join) =>
      join.onRef('b.company_id', '=', 'p.company_id').onRef('b.product', '=', 'p.product'),
    )
    .innerJoin('demo_companies as c', 'c.id', 'p.company_id')
    .select([
      'c.sector',
      sql<string>`to_char(date_trunc('week', p.scraped_at at time zone 'UTC'), 'YYYY-MM-DD')`.as(
        'week',
      ),
      sql<number>`round((avg(p.price / b.avg_price) * 100)::numeric, 1)::float8`.as('index'),
    ])
    .groupBy(['c.sector', sql`date_trunc('week', p.scraped_at at time zone 'UTC')`])
    .orderBy('week')
    .orderBy('c.sector')
}

/**
 * Computes the rollup of the weeks before `cutoff` (the heavy part: every closed price row), in
 * one transaction under an advisory lock, unless another caller just did. Older cutoffs go.
 */
export async function computeRollup(db: Kysely<DemoTables>, cutoff: Date, now: number) {
  await ensurePriceIndexTables(db)
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(trx)
    const { rows } = await sql<{ computed_ms: number | null }>`
      select (extract(epoch from max(computed_at)) * 1000)::float8 as computed_ms
      from demo_price_index where cutoff = ${cutoff}
    `.execute(trx)
    if (isFresh(rows[0]?.computed_ms ?? null, now)) return
    await trx.deleteFrom('demo_price_baseline').execute()
    await trx.deleteFrom('demo_price_index').execute()
    await sql`
      insert into demo_price_baseline (cutoff, company_id, product, avg_price)
      select ${cutoff}, company_id, product, avg(price)::float8
      from demo_prices where scraped_at < ${cutoff}
      group by company_id, product
    `.execute(trx)
    await sql`
      insert into demo_price_index (cutoff, sector, week, index, computed_at)
      select ${cutoff}, c.sector,
             to_char(date_trunc('week', p.scraped_at at time zone 'UTC'), 'YYYY-MM-DD'),
             round((avg(p.price / b.avg_price) * 100)::numeric, 1)::float8, ${new Date(now)}
      from demo_prices p
      join demo_price_baseline b
        on b.cutoff = ${cutoff} and b.company_id = p.company_id and b.product = p.product
      join demo_companies c on c.id = p.company_id
      where p.scraped_at < ${cutoff}
      group by c.sector, date_trunc('week', p.scraped_at at time zone 'UTC')
    `.execute(trx)
  })
}

/** Empties the rollup (after a seed loaded other history); creates nothing when it is absent. */
export async function clearRollup(db: Kysely<DemoTables>): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`
    select to_regclass('demo_price_index') is not null as present
  `.execute(db)
  if (!rows[0]?.present) return
  await db.deleteFrom('demo_price_baseline').execute()
  await db.deleteFrom('demo_price_index').execute()
}

function isFresh(computedMs: number | null, now: number): boolean {
  return computedMs !== null && now - computedMs < ROLLUP_MAX_AGE_MS
}

/**
 * The index points of every week: the closed weeks from the rollup (computing it first when it is
 * missing or too old), the open weeks live. `run` decides whether reads go through the cache.
 */
export async function priceIndexPoints(
  db: Kysely<DemoTables>,
  run: QueryRunner,
  now: number,
): Promise<PriceIndexPoint[]> {
  await ensurePriceIndexTables(db)
  const cutoff = closedWeeksCutoff(now)
  let closed = await run(closedWeeksQuery(db, cutoff))
  if (!isFresh(closed[0]?.computed_ms ?? null, now)) {
    await computeRollup(db, cutoff, now)
    // The rollup's writes invalidated the cached read above: this one sees the new rows.
    closed = await run(closedWeeksQuery(db, cutoff))
  }
  const open = await run(openWeeksQuery(db, cutoff))
  return [
    ...closed.map(({ sector, week, index }) => ({ sector, week, index: Number(index) })),
    ...open.map(({ sector, week, index }) => ({ sector, week, index: Number(index) })),
  ]
}

/** Index points as the widget's JSON: one series per sector over every week. */
export function shapePriceIndex(rows: readonly PriceIndexPoint[]): PriceIndexWidget {
  const weeks = [...new Set(rows.map((row) => row.week))].sort()
  const position = new Map(weeks.map((week, index) => [week, index]))
  const bySector = new Map<string, (number | null)[]>()
  for (const row of rows) {
    let series = bySector.get(row.sector)
    if (!series) bySector.set(row.sector, (series = weeks.map(() => null)))
    series[position.get(row.week)!] = Number(row.index)
  }
  const sectors = [...bySector]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sector, index]) => {
      const latest = index.at(-1) ?? null
      const before = index.length > 4 ? (index.at(-5) ?? null) : null
      const change4w =
        latest === null || before === null ? null : Math.round((latest - before) * 10) / 10
      return { sector, index, latest, change4w }
    })
  return { weeks, sectors }
}
