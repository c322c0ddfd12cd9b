import { sql } from 'kysely'
import { createDatabase } from '@bi-perf/db'
import type { BenchDB } from './dataset.js'
import { median, table } from './util.js'

const ROWS = 100_000

/** 100 k rows into an empty table: row by row, `batchInsert` (both strategies) and `copyFrom`. */
export async function loadsBench(
  url: string,
  schema: string,
): Promise<{ text: string; copyRatio: number }> {
  const db = createDatabase<BenchDB>({ url, searchPath: schema })
  const rows = Array.from({ length: ROWS }, (_, index) => ({
    id: index,
    product_id: 1 + (index % 1000),
    price: ((index % 9973) / 100).toFixed(2),
    note: `load ${index} — "quoted", tab\there`,
    at: new Date(1_767_225_600_000 + index * 1000),
  }))
  const truncate = () => sql`truncate loads`.execute(db.kysely)
  const count = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from loads`.execute(db.kysely)).rows[0]!
        .n,
    )
  const timed = async (load: () => Promise<unknown>) => {
    await truncate()
    const started = performance.now()
    await load()
    const seconds = (performance.now() - started) / 1000
    if ((await count()) !== ROWS) throw new Error('a load did not store every row')
    return seconds
  }

  const contenders: { name: string; load: () => Promise<unknown>; runs: number }[] = [
    {
      name: 'row by row (`insertInto().values(row)`, autocommit)',
      load: async () => {
        for (const row of rows) await db.kysely.insertInto('loads').values(row).execute()
      },
      runs: 1,
    },
    {
      name: '`batchInsert` values (65,535-parameter chunks)',
      load: () => db.batchInsert('loads', rows, { strategy: 'values' }),
      runs: 3,
    },
    { name: '`batchInsert` unnest (default)', load: () => db.batchInsert('loads', rows), runs: 3 },
    { name: '`copyFrom` (COPY FROM STDIN)', load: () => db.copyFrom('loads', rows), runs: 3 },
  ]
  const seconds = new Map<string, number>()
  for (const contender of contenders) {
    const samples: number[] = []
    for (let run = 0; run < contender.runs; run++) samples.push(await timed(contender.load))
    seconds.set(contender.name, median(samples))
  }
  await truncate()
  await db.close()
  const baseline = seconds.get(contenders[0]!.name)!
  const copyRatio = baseline / seconds.get(contenders[3]!.name)!
  const text = table(
    `Loading ${ROWS / 1000} k rows (5 columns)`,
    ['method', 'seconds', 'rows/s', '× row by row'],
    contenders.map((contender) => {
      const value = seconds.get(contender.name)!
      return [
        contender.name,
        value.toFixed(2),
        Math.round(ROWS / value).toLocaleString('en'),
        `${(baseline / value).toFixed(1)}×`,
      ]
    }),
    ['Row by row runs once (it takes tens of seconds); the others are the median of three runs.'],
  )
  return { text, copyRatio }
}
