import { sql } from 'kysely'
import pg from 'pg'
import { createDatabase } from '@bi-perf/db'
import type { BenchDB } from './dataset.js'
import { median, ms, percentile, table } from './util.js'

const CONCURRENCY = 32
const ROUNDS = 40

/**
 * 32 concurrent point reads, 40 rounds: through our pool (10 connections) beside a new pg
 * connection per query (connect, query, end), the pattern pooling replaces.
 */
export async function poolBench(
  url: string,
  schema: string,
): Promise<{ text: string; p50Ratio: number }> {
  const db = createDatabase<BenchDB>({ url, searchPath: schema, pool: { max: 10 } })
  const pooled = async (id: number) => {
    await db.kysely.selectFrom('prices').select('price').where('id', '=', String(id)).execute()
  }
  const fresh = async (id: number) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` })
    await client.connect()
    try {
      await client.query('select price from prices where id = $1', [id])
    } finally {
      await client.end()
    }
  }
  await sql`select 1`.execute(db.kysely)

  const run = async (query: (id: number) => Promise<void>) => {
    const latencies: number[] = []
    const started = performance.now()
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, index) => {
          const begun = performance.now()
          await query(1 + (((round * CONCURRENCY + index) * 7919) % 1_000_000))
          latencies.push(performance.now() - begun)
        }),
      )
    }
    return { latencies, perSecond: latencies.length / ((performance.now() - started) / 1000) }
  }
  // Interleaved, twice each, keeping the second (warm) run of each.
  await run(pooled)
  await run(fresh)
  const ours = await run(pooled)
  const peer = await run(fresh)
  const waits = db.stats().pool.acquireWaitMs
  await db.close()
  const p50Ratio = median(peer.latencies) / median(ours.latencies)
  const text = table(
    `Pooled vs a new connection per query, ${CONCURRENCY} concurrent point reads × ${ROUNDS} rounds`,
    ['contender', 'queries/s', 'p50 ms', 'p99 ms', 'p50 speed-up'],
    [
      [
        'new `pg.Client` per query',
        peer.perSecond.toFixed(0),
        ms(median(peer.latencies)),
        ms(percentile(peer.latencies, 0.99)),
        '1.00×',
      ],
      [
        '`createDatabase` pool (max 10)',
        ours.perSecond.toFixed(0),
        ms(median(ours.latencies)),
        ms(percentile(ours.latencies, 0.99)),
        `${p50Ratio.toFixed(1)}×`,
      ],
    ],
    [
      `Our pool's own acquire-wait histogram over both runs: p50 ${waits.p50} ms, p99 ${waits.p99} ms, max ${waits.max} ms (22 of 32 callers queue for the 10 connections).`,
    ],
  )
  return { text, p50Ratio }
}
