import type { Database } from '@bi-perf/db'
import { missingDependency } from '../errors.js'
import { measure } from './measure.js'
import type { BenchResult } from './report.js'
import { skipSuite, type SuiteDefinition, type SuiteOutcome } from './suite.js'

/** The table the suite creates, loads and drops. */
interface SalesRow {
  id: number
  region: string
  product: string
  amount: number
}

type BenchTables = Record<string, SalesRow>

const ROWS = 20_000
const REGIONS = ['north', 'south', 'east', 'west', 'central']

/**
 * The db suite: the aggregate query behind a sales dashboard (revenue, orders and mean amount per
 * region over 20,000 rows), uncached (`dashboard-cold`, p50 ms) and through `db.cached()`
 * (`dashboard-cached`, p50 ms), on this process's database (PGlite without `database.url`). The
 * table is unique to the run and dropped afterwards.
 */
export const dbSuite: SuiteDefinition = {
  suite: 'db',
  steps: ['load 20,000 rows', 'dashboard-cold', 'dashboard-cached'],
  async run(context): Promise<SuiteOutcome> {
    const database = context.optimizer?.db as Database<BenchTables> | undefined
    if (!database)
      return skipSuite(this, context, 'the database is disabled (database.enabled: false)')
    const table = `bi_perf_bench_${context.runId}`
    const db = database.kysely
    const results: BenchResult[] = []

    try {
      await db.schema
        .createTable(table)
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('region', 'text', (column) => column.notNull())
        .addColumn('product', 'text', (column) => column.notNull())
        .addColumn('amount', 'double precision', (column) => column.notNull())
        .execute()
    } catch (error) {
      // No embedded database without its optional peer: say what to install, run the other suites.
      const missing = missingDependency(error)
      if (missing) return skipSuite(this, context, missing.message)
      throw error
    }
    context.progress.step('db load 20,000 rows')
    try {
      const rows = Array.from({ length: ROWS }, (_, id) => ({
        id,
        region: REGIONS[id % REGIONS.length]!,
        product: `product-${id % 97}`,
        amount: ((id * 7919) % 10_000) / 10,
      }))
      await database.batchInsert(table, rows)
      context.progress.update(1)
      const query = db
        .selectFrom(table)
        .select((eb) => [
          'region',
          eb.fn.countAll<number>().as('orders'),
          eb.fn.sum<number>('amount').as('revenue'),
          eb.fn.avg<number>('amount').as('average'),
        ])
        .groupBy('region')
        .orderBy('region')

      context.progress.step('db dashboard-cold')
      const cold = await measure(() => query.execute(), {
        durationMs: context.durationMs,
        onProgress: (fraction) => context.progress.update(fraction),
      })
      results.push({
        suite: 'db',
        name: 'dashboard-cold',
        unit: 'ms',
        value: cold.p50Ms,
        higherIsBetter: false,
      })

      context.progress.step('db dashboard-cached')
      await database.cached(query)
      const cached = await measure(() => database.cached(query), {
        durationMs: context.durationMs,
        onProgress: (fraction) => context.progress.update(fraction),
      })
      results.push({
        suite: 'db',
        name: 'dashboard-cached',
        unit: 'ms',
        value: cached.p50Ms,
        higherIsBetter: false,
      })
    } finally {
      // A write through Kysely invalidates the cached results of the table (and their tag set).
      await db
        .deleteFrom(table)
        .execute()
        .catch(() => {})
      await db.schema.dropTable(table).ifExists().execute()
    }
    return {
      results,
      notes: [],
      beforeAfter: [
        {
          title: 'dashboard query (p50)',
          before: { label: 'cold', result: results[0]! },
          after: { label: 'cached', result: results[1]! },
        },
      ],
    }
  },
}
