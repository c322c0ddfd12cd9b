import { sql } from 'kysely'
import { createDatabase, type CacheableQuery } from '@bi-perf/db'
import type { BenchDB } from './dataset.js'
import { median, ms, percentile, table } from './util.js'

/** Five aggregate queries over 1 M price rows, run together as a dashboard would. */
export async function dashboardBench(url: string, schema: string): Promise<string> {
  const db = createDatabase<BenchDB>({
    url,
    searchPath: schema,
    pool: { profile: 'analytics', max: 5 },
  })
  const k = db.kysely
  const queries: CacheableQuery<unknown>[] = [
    k
      .selectFrom('prices')
      .innerJoin('products', 'products.id', 'prices.product_id')
      .select(['products.category', sql<string>`avg(prices.price)`.as('avg_price')])
      .groupBy('products.category'),
    k
      .selectFrom('prices')
      .innerJoin('stores', 'stores.id', 'prices.store_id')
      .select(['stores.region', sql<string>`sum(prices.price * prices.volume)`.as('revenue')])
      .groupBy('stores.region'),
    k
      .selectFrom('prices')
      .select([sql<string>`date_trunc('day', at)`.as('day'), sql<string>`sum(volume)`.as('volume')])
      .where('at', '>=', new Date('2026-01-05'))
      .where('at', '<', new Date('2026-01-12'))
      .groupBy(sql`1`),
    k
      .selectFrom('prices')
      .select(['product_id', sql<string>`sum(price * volume)`.as('revenue')])
      .groupBy('product_id')
      .orderBy('revenue', 'desc')
      .limit(10),
    k
      .selectFrom('prices')
      .select(['store_id', sql<string>`min(price)`.as('low'), sql<string>`max(price)`.as('high')])
      .groupBy('store_id'),
  ]
  const uncached = () => Promise.all(queries.map((query) => query.execute()))
  const cached = () => Promise.all(queries.map((query) => db.cached(query, { ttl: '10m' })))

  const time = async (run: () => Promise<unknown>, count: number) => {
    const samples: number[] = []
    for (let index = 0; index < count; index++) {
      const started = performance.now()
      await run()
      samples.push(performance.now() - started)
    }
    return samples
  }
  await uncached()
  const plain = await time(uncached, 7)
  await cached()
  const warm = await time(cached, 2000)
  const check = JSON.stringify(await uncached()) === JSON.stringify(await cached())
  if (!check) throw new Error('cached dashboard differs from the uncached one')
  await db.close()

  const ratio = median(plain) / median(warm)
  return table(
    'Dashboard of five aggregate queries over 1 M price rows (run concurrently)',
    ['contender', 'dashboards/s', 'p50 ms', 'p99 ms', 'runs', '× uncached'],
    [
      [
        'uncached (Kysely + pg pool)',
        (1000 / median(plain)).toFixed(2),
        ms(median(plain)),
        ms(percentile(plain, 0.99)),
        plain.length,
        '1.00×',
      ],
      [
        '`db.cached()` (in-process store, warm)',
        (1000 / median(warm)).toFixed(0),
        ms(median(warm)),
        ms(percentile(warm, 0.99)),
        warm.length,
        `${ratio.toFixed(0)}×`,
      ],
    ],
  )
}
