import { sql } from 'kysely'
import { createDatabase, type DatabaseOptions } from '@bi-perf/db'
import { PRODUCTS, type BenchDB } from './dataset.js'
import { random, table, zipf } from './util.js'

const READS = 10_000
const WRITE_EVERY = 100

/**
 * 10 k reads over 1 k distinct queries (one per product, Zipf s = 1), one insert of a price every
 * 100 reads, for a product drawn from the same distribution. Counts the statements that reach
 * PostgreSQL with and without `db.cached()`.
 */
export async function zipfBench(
  url: string,
  schema: string,
): Promise<{ text: string; reduction: number; scopedReduction: number }> {
  const modes: { name: string; cache: boolean; options: DatabaseOptions }[] = [
    { name: 'no cache', cache: false, options: {} },
    { name: '`db.cached()`, table-level invalidation (default)', cache: true, options: {} },
    {
      name: "`db.cached()` + `cacheScopes: { prices: 'product_id' }`",
      cache: true,
      options: { cacheScopes: { prices: 'product_id' } },
    },
  ]
  const results: {
    name: string
    reads: number
    writes: number
    seconds: number
    hitRate: number
  }[] = []
  for (const mode of modes) {
    const db = createDatabase<BenchDB>({ url, searchPath: schema, ...mode.options })
    const next = random(42)
    const pick = zipf(PRODUCTS, 1, next)
    const read = (productId: number) => {
      const query = db.kysely
        .selectFrom('prices')
        .select([
          sql<number>`count(*)::int`.as('n'),
          sql<string>`avg(price)`.as('avg'),
          sql<string>`sum(volume)`.as('volume'),
        ])
        .where('product_id', '=', productId)
      return mode.cache ? db.cached(query, { ttl: '10m' }) : query.execute()
    }
    const started = performance.now()
    let writes = 0
    for (let index = 1; index <= READS; index++) {
      await read(pick())
      if (index % WRITE_EVERY === 0) {
        await db.kysely
          .insertInto('prices')
          .values({ product_id: pick(), store_id: 1, price: '12.34', volume: 1, at: new Date() })
          .execute()
        writes++
      }
    }
    const seconds = (performance.now() - started) / 1000
    const stats = db.stats()
    results.push({
      name: mode.name,
      reads: stats.queries.executed - writes,
      writes,
      seconds,
      hitRate: stats.cache.hitRate,
    })
    await db.close()
  }
  const baseline = results[0]!.reads
  const reduction = 1 - results[1]!.reads / baseline
  const scopedReduction = 1 - results[2]!.reads / baseline
  const text = table(
    `Zipf workload: ${READS / 1000} k reads over ${PRODUCTS} distinct queries, a write every ${WRITE_EVERY} reads`,
    [
      'mode',
      'read queries run by PostgreSQL',
      'writes',
      'fewer read queries',
      'hit rate',
      'wall time s',
    ],
    results.map((result) => [
      result.name,
      result.reads,
      result.writes,
      `${((1 - result.reads / baseline) * 100).toFixed(1)} %`,
      `${(result.hitRate * 100).toFixed(1)} %`,
      result.seconds.toFixed(1),
    ]),
  )
  return { text, reduction, scopedReduction }
}
