import type { CacheableQuery } from '@bi-perf/db'
import { sql, type Kysely } from 'kysely'
import { priceIndexPoints, shapePriceIndex } from './price-index.js'
import type { DemoTables } from './schema.js'
import type {
  AnalyticsDashboard,
  CompaniesByCountryWidget,
  FreshnessWidget,
  TopMoversWidget,
  TotalsWidget,
  WidgetName,
} from './types.js'

/**
 * Runs a widget's select: through `db.cached()` for the dashboard, straight for the insights
 * (which must see fresh rows and must not refill the cache the dashboard measures).
 */
export type QueryRunner = <Row>(query: CacheableQuery<Row>) => Promise<Row[]>

/** One widget: its aggregate query and how its rows become the widget's JSON. */
interface Widget<Row, Out> {
  /** The select; it must be the same SQL and parameters every time, or it never hits the cache. */
  query(db: Kysely<DemoTables>): CacheableQuery<Row>
  /** `now` is epoch milliseconds of the dashboard build, for ages of cached rows. */
  shape(rows: Row[], now: number): Out
}

/** A widget with its row type sealed in. */
export interface WidgetDefinition<Out> {
  compute(db: Kysely<DemoTables>, run: QueryRunner, now: number): Promise<Out>
}

function widget<Row, Out>(definition: Widget<Row, Out>): WidgetDefinition<Out> {
  return {
    compute: async (db, run, now) => definition.shape(await run(definition.query(db)), now),
  }
}

type WidgetOutputs = AnalyticsDashboard['widgets']

// Timestamps leave the database as epoch milliseconds: numbers survive every cache serializer.
const maxEpochMs = (column: string) =>
  sql<number | null>`(extract(epoch from max(${sql.ref(column)})) * 1000)::float8`
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

const totals: Widget<
  {
    companies: number
    companies_priced: number
    price_rows: number
    first: number | null
    last: number | null
  },
  TotalsWidget
> = {
  query: (db) =>
    db.selectFrom('demo_prices').select((eb) => [
      eb
        .selectFrom('demo_companies')
        .select(sql<number>`count(*)::int`.as('n'))
        .$asScalar()
        .as('companies'),
      sql<number>`count(distinct company_id)::int`.as('companies_priced'),
      sql<number>`count(*)::int`.as('price_rows'),
      sql<number | null>`(extract(epoch from min(scraped_at)) * 1000)::float8`.as('first'),
      maxEpochMs('scraped_at').as('last'),
    ]),
  shape: ([row]) => ({
    companies: Number(row?.companies ?? 0),
    companiesPriced: Number(row?.companies_priced ?? 0),
    priceRows: Number(row?.price_rows ?? 0),
    from: iso(row?.first ?? null),
    to: iso(row?.last ?? null),
  }),
}

const topMovers: Widget<
  { id: number; name: string; sector: string; country: string; change_pct: number },
  TopMoversWidget
> = {
  query: (db) =>
    db
      .with('anchor', (qb) =>
        qb.selectFrom('demo_prices').select(sql<Date>`max(scraped_at)`.as('at')),
      )
      .with('per_product', (qb) =>
        qb
          .selectFrom('demo_prices as p')
          .crossJoin('anchor as a')
          .select([
            'p.company_id',
            'p.product',
            sql<number>`avg(p.price) filter (where p.scraped_at > a.at - interval '7 days')`.as(
              'recent',
            ),
            sql<number>`avg(p.price) filter (where p.scraped_at <= a.at - interval '7 days')`.as(
              'previous',
            ),
          ])
          .where(sql<boolean>`p.scraped_at > a.at - interval '14 days'`)
          .groupBy(['p.company_id', 'p.product']),
      )
      .selectFrom('per_product as pp')
      .innerJoin('demo_companies as c', 'c.id', 'pp.company_id')
      .select([
        'c.id',
        'c.name',
        'c.sector',
        'c.country',
        sql<number>`round(avg(pp.recent / pp.previous - 1) * 100, 1)::float8`.as('change_pct'),
      ])
      .where('pp.recent', 'is not', null)
      .where('pp.previous', 'is not', null)
      .groupBy(['c.id', 'c.name', 'c.sector', 'c.country'])
      .orderBy(sql`abs(avg(pp.recent / pp.previous - 1))`, 'desc')
      .orderBy('c.id')
      .limit(10),
  shape: (rows) =>
    rows.map((row) => ({
      companyId: Number(row.id),
      name: row.name,
      sector: row.sector,
      country: row.country,
      changePct: Number(row.change_pct),
    })),
}

const freshness: Widget<
  { source: string; last: number | null; last_24h: number; rows: number },
  FreshnessWidget
> = {
  query: (db) =>
    db
      .selectFrom('demo_prices')
      .select([
        'source',
        maxEpochMs('scraped_at').as('last'),
        sql<number>`(count(*) filter (where scraped_at > now() - interval '24 hours'))::int`.as(
          'last_24h',
        ),
        sql<number>`count(*)::int`.as('rows'),
      ])
      .groupBy('source')
      .orderBy('source'),
  shape: (rows, now) =>
    rows.map((row) => ({
      source: row.source,
      lastScrapedAt: new Date(Number(row.last)).toISOString(),
      ageMinutes: Math.max(0, Math.round((now - Number(row.last)) / 60_000)),
      rowsLast24h: Number(row.last_24h),
      rows: Number(row.rows),
    })),
}

const companiesByCountry: Widget<
  { country: string; companies: number; sectors: number },
  CompaniesByCountryWidget
> = {
  query: (db) =>
    db
      .selectFrom('demo_companies')
      .select([
        'country',
        sql<number>`count(*)::int`.as('companies'),
        sql<number>`count(distinct sector)::int`.as('sectors'),
      ])
      .groupBy('country')
      .orderBy('companies', 'desc')
      .orderBy('country'),
  shape: (rows) =>
    rows.map((row) => ({
      country: row.country.trim(),
      companies: Number(row.companies),
      sectors: Number(row.sectors),
    })),
}

/** Every widget by name, in the order the dashboard computes them. */
export const WIDGETS: { [Name in WidgetName]: WidgetDefinition<WidgetOutputs[Name]> } = {
  totals: widget(totals),
  // Not a single select: closed weeks come from a rollup, open weeks live (see price-index.ts).
  priceIndex: {
    compute: async (db, run, now) => shapePriceIndex(await priceIndexPoints(db, run, now)),
  },
  topMovers: widget(topMovers),
  freshness: widget(freshness),
  companiesByCountry: widget(companiesByCountry),
}

/** Widget names in computing order. */
export const WIDGET_NAMES = Object.keys(WIDGETS) as WidgetName[]
