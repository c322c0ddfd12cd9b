/* eslint-disable no-console -- an example reports what it did on stdout */
// An analytics dashboard on bi-perf: aggregates over an orders table are cached (`db.cached`), a
// write through Kysely drops them by itself, and insights are computed by background tasks and
// handed to the dashboard through the cache.
//
//   node --import tsx examples/analytics-dashboard/main.ts                # PGlite, in-process
//   REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://… node …     # Redis, BullMQ, Postgres
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { createOptimizer, loadConfig } from '@bi-perf/core'
import type { Database } from '@bi-perf/db'

interface Tables {
  example_orders: {
    region: string
    amount_cents: number
    placed_at: Date
  }
}

interface Insight {
  region: string
  sharePct: number
  averageOrderCents: number
}

const REGIONS = ['apac', 'eu', 'latam', 'us']

// Built-in defaults ← bi-perf.yaml beside this file ← environment, as in any bi-perf service.
const config = await loadConfig({ file: fileURLToPath(new URL('bi-perf.yaml', import.meta.url)) })
const perf = await createOptimizer(config)
try {
  await perf.start()
  await runDashboard()
} finally {
  // Closes tasks, database, cache, memory manager, monitor and Redis, in that order, even after an
  // error: no timer or socket is left, so the process ends by itself.
  const { clean, problems } = await perf.stop()
  console.log(`stopped: ${clean ? 'clean' : JSON.stringify(problems)}`)
  if (!clean) process.exitCode = 1
}

async function runDashboard() {
  // The optimizer types its database loosely; the application knows its tables.
  const db = perf.db as Database<Tables>
  const tasks = perf.tasks!
  const insights = perf.cache!.namespace('insights')
  // 'memory' without REDIS_URL; 'connected' on Redis ('fallback' while it is unreachable).
  const cacheState = await perf.cache!.ready()
  const cacheBackend = cacheState === 'memory' ? 'memory' : `redis (${cacheState})`
  console.log(
    `backends: database=${db.backend} cache=${cacheBackend} tasks=${(await tasks.status()).backend}`,
  )

  await db.kysely.schema
    .createTable('example_orders')
    .ifNotExists()
    .addColumn('region', 'text', (column) => column.notNull())
    .addColumn('amount_cents', 'integer', (column) => column.notNull())
    .addColumn('placed_at', 'timestamptz', (column) => column.notNull())
    .execute()
  await db.kysely.deleteFrom('example_orders').execute()
  // Deterministic orders, so every run prints the same figures.
  const orders = Array.from({ length: 2_000 }, (_, i) => ({
    region: REGIONS[i % REGIONS.length]!,
    amount_cents: 1_000 + ((i * 7_919) % 20_000),
    placed_at: new Date(Date.UTC(2026, 0, 1 + (i % 365))),
  }))
  const { rows } = await db.batchInsert('example_orders', orders)
  console.log(`seeded ${rows} orders`)

  // The dashboard's aggregate. db.cached() keys it by its SQL and parameters and tags it with the
  // tables it reads, so any insert, update or delete of example_orders drops it.
  function revenueByRegion() {
    return db.cached(
      db.kysely
        .selectFrom('example_orders')
        .select((eb) => [
          'region',
          eb.cast<number>(eb.fn.sum('amount_cents'), 'integer').as('revenue_cents'),
          eb.cast<number>(eb.fn.countAll(), 'integer').as('orders'),
        ])
        .groupBy('region')
        .orderBy('region'),
    )
  }

  /** Reads the aggregate and says whether the query ran or the cache answered, and how fast. */
  async function readRevenue(label: string) {
    const before = db.stats().cache
    const started = performance.now()
    const result = await revenueByRegion()
    const ms = (performance.now() - started).toFixed(2)
    const outcome = db.stats().cache.hits > before.hits ? 'hit' : 'miss'
    console.log(`revenue by region, ${label}: ${outcome} in ${ms} ms (${result.length} regions)`)
    return result
  }

  const revenueOf = (result: { region: string; revenue_cents: number }[], region: string) =>
    ((result.find((row) => row.region === region)?.revenue_cents ?? 0) / 100).toFixed(2)

  await readRevenue('read 1')
  const cachedRead = await readRevenue('read 2')

  // A write through db.kysely invalidates every cached read of example_orders before it returns.
  await db.kysely
    .insertInto('example_orders')
    .values({ region: 'eu', amount_cents: 100_000, placed_at: new Date() })
    .execute()
  const afterWrite = await readRevenue('read 3 after an insert')
  console.log(`eu revenue ${revenueOf(cachedRead, 'eu')} -> ${revenueOf(afterWrite, 'eu')}`)

  // Background insights: one task per region. Handlers run on the queue's workers (in this process
  // here; in worker processes on BullMQ), reuse the cached aggregate and leave their result in the
  // cache, where the dashboard reads it without waiting for any computation.
  tasks.define('compute-insight', async ({ region }: { region: string }) => {
    const all = await revenueByRegion()
    const total = all.reduce((sum, row) => sum + row.revenue_cents, 0)
    const mine = all.find((row) => row.region === region)
    const insight: Insight = {
      region,
      sharePct: mine ? (100 * mine.revenue_cents) / total : 0,
      averageOrderCents: mine ? mine.revenue_cents / mine.orders : 0,
    }
    await insights.set(region, insight, { tags: ['insights'] })
  })

  const started = performance.now()
  const finished = new Promise<void>((resolve, reject) => {
    let completed = 0
    tasks.on('completed', () => {
      completed += 1
      if (completed === REGIONS.length) resolve()
    })
    tasks.on('failed', ({ error, final }) => final && reject(error))
  })
  await tasks.enqueueMany(REGIONS.map((region) => ({ name: 'compute-insight', data: { region } })))
  await finished
  const ready = await insights.mget<Insight>(REGIONS)
  console.log(
    `insights: ${ready.filter(Boolean).length} computed by background tasks in ${(performance.now() - started).toFixed(0)} ms`,
  )
  for (const insight of ready) {
    if (!insight) continue
    console.log(
      `insight ${insight.region}: ${insight.sharePct.toFixed(1)} % of revenue, average order ${(insight.averageOrderCents / 100).toFixed(2)}`,
    )
  }

  // `coalesced` counts reads that joined an identical read already in flight.
  const { hits, misses, coalesced, invalidations } = db.stats().cache
  console.log(
    `db query cache: ${hits} hits, ${coalesced} coalesced, ${misses} misses, ${invalidations} invalidations`,
  )

  await db.kysely.schema.dropTable('example_orders').execute()
}
