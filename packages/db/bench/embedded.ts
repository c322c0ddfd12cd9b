// The embedded default's cost and benefit: a statement's round trip to the PGlite worker beside
// PGlite on the main thread, and how long the main thread's event loop stalls while a heavy
// aggregate runs on each. Runs inside `pnpm bench`, or alone: node --import tsx bench/embedded.ts
import { pathToFileURL } from 'node:url'
import { CompiledQuery } from 'kysely'
import { createDatabase, type Database } from '@bi-perf/db'
import { machine, measure, report } from '@bi-perf/bench'
import { median, ms, percentile, table } from './util.js'

/** Rows of the heavy query's table, the size of the demo's default dataset. */
const ROWS = 200_000
const HEAVY_RUNS = 5

// The demo's former weekly price index: every row twice (baseline and points), grouped by week.
const HEAVY = `
  with baseline as (
    select company_id, product, avg(price) as avg_price from prices group by company_id, product
  )
  select c.sector, to_char(date_trunc('week', p.scraped_at), 'YYYY-MM-DD') as week,
         round(avg(p.price / b.avg_price) * 100, 1)::float8 as index
  from prices p
  join baseline b on b.company_id = p.company_id and b.product = p.product
  join companies c on c.id = p.company_id
  group by c.sector, date_trunc('week', p.scraped_at)
  order by week, c.sector`

async function load(db: Database<unknown>) {
  const kysely = db.kysely
  const run = (statement: string) => kysely.executeQuery(CompiledQuery.raw(statement))
  await run(`create table companies (id int primary key, sector text not null)`)
  await run(`insert into companies select i, 'sector ' || (i % 10) from generate_series(1, 500) i`)
  await run(`create table prices (company_id int not null, product text not null,
    price numeric(14, 2) not null, scraped_at timestamptz not null)`)
  await run(`insert into prices
    select 1 + (i % 500), 'product ' || (i % 4), (10 + (i % 997) / 10.0)::numeric(14, 2),
           now() - ((i % 90) || ' days')::interval - ((i % 1440) || ' minutes')::interval
    from generate_series(1, ${ROWS}) i`)
}

/**
 * Runs the heavy query `HEAVY_RUNS` times while a 1 ms interval timer measures how late each of
 * its ticks fires: the stall a request arriving meanwhile would wait. (`monitorEventLoopDelay`
 * records nothing while the loop is blocked outright, so it would report the main thread as idle.)
 */
async function stall(db: Database<unknown>) {
  const heavy = CompiledQuery.raw(HEAVY)
  await db.kysely.executeQuery(heavy)
  const lateness: number[] = []
  let last = performance.now()
  const probe = setInterval(() => {
    const now = performance.now()
    lateness.push(Math.max(0, now - last - 1))
    last = now
  }, 1)
  const durations: number[] = []
  for (let run = 0; run < HEAVY_RUNS; run++) {
    const started = performance.now()
    await db.kysely.executeQuery(heavy)
    durations.push(performance.now() - started)
    // Let the timers run between queries, as a server's loop would: one stall per query.
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  clearInterval(probe)
  lateness.push(performance.now() - last)
  return {
    queryMs: median(durations),
    maxMs: Math.max(...lateness),
    p99Ms: percentile(lateness, 0.99),
  }
}

/** The bench: round trips of `select 1`, then the event loop during the heavy query. */
export async function embeddedBench(): Promise<{
  text: string
  overheadUs: number
  mainMaxMs: number
  workerMaxMs: number
}> {
  const worker = createDatabase({ embedded: { thread: 'worker' } })
  const main = createDatabase({ embedded: { thread: 'main' } })
  try {
    const one = CompiledQuery.raw('select 1')
    await Promise.all([worker.kysely.executeQuery(one), main.kysely.executeQuery(one)])
    const results = await measure([
      { name: 'PGlite, worker thread (default)', fn: () => worker.kysely.executeQuery(one) },
      {
        name: "PGlite, main thread (`embedded.thread: 'main'`)",
        fn: () => main.kysely.executeQuery(one),
      },
    ])
    const roundTrips = report('Embedded PGlite: `select 1` round trip', results, [results[1]!.name])
    const overheadUs = results[0]!.p50Us - results[1]!.p50Us

    await load(worker)
    await load(main)
    const onWorker = await stall(worker)
    const onMain = await stall(main)
    const stalls = table(
      `Embedded PGlite: main-thread event loop while the heavy aggregate runs (${ROWS.toLocaleString('en')} rows, ${HEAVY_RUNS} runs)`,
      ['PGlite runs on', 'query median ms', 'loop delay max ms', 'loop delay p99 ms'],
      [
        ['main thread', ms(onMain.queryMs), ms(onMain.maxMs), ms(onMain.p99Ms)],
        ['worker thread', ms(onWorker.queryMs), ms(onWorker.maxMs), ms(onWorker.p99Ms)],
      ],
      [
        `The worker adds ${overheadUs.toFixed(0)} µs to a statement's p50 round trip; the event loop of the thread that serves requests no longer stalls for the length of a query.`,
      ],
    )
    return {
      text: `${roundTrips}\n${stalls}`,
      overheadUs,
      mainMaxMs: onMain.maxMs,
      workerMaxMs: onWorker.maxMs,
    }
  } finally {
    await Promise.all([worker.close(), main.close()])
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`@bi-perf/db embedded benchmark — ${new Date().toISOString()} — ${machine()}\n`)
  await embeddedBench()
}
