import { randomUUID } from 'node:crypto'
import type { Optimizer } from '@bi-perf/core'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_TABLES, type DemoDatabase } from '../src/demo/schema.js'
import { seedDemoData } from '../src/demo/seed.js'
import { postgresUrl, startOptimizer, stopAll, testConfig } from './helpers.js'

afterAll(stopAll)

function demoDb(optimizer: Optimizer): DemoDatabase {
  return optimizer.db as DemoDatabase
}

describe('seedDemoData on PGlite', () => {
  it('loads 500 companies and 200,000 price rows with indexes, then nothing on a second call', async () => {
    const optimizer = await startOptimizer(testConfig())
    const db = demoDb(optimizer)

    const first = await seedDemoData(db)
    console.info(`demo seed on PGlite: ${first.priceRows} rows in ${first.ms} ms (${first.method})`)
    expect(first).toMatchObject({
      seeded: true,
      companies: 500,
      priceRows: 200_000,
      method: 'batch-insert',
    })
    const indexes = await sql<{ indexname: string }>`
      select indexname from pg_indexes where tablename = 'demo_prices'
    `.execute(db.kysely)
    expect(indexes.rows.map((row) => row.indexname)).toEqual(
      expect.arrayContaining(['demo_prices_scraped_at_idx', 'demo_prices_company_product_idx']),
    )

    const second = await seedDemoData(db)
    expect(second).toMatchObject({
      seeded: false,
      companies: 500,
      priceRows: 200_000,
      method: 'none',
    })
  }, 60_000)

  it('produces the same figures from the same seed and end', async () => {
    const end = new Date('2026-03-01T00:00:00.000Z')
    const checksum = async () => {
      const optimizer = await startOptimizer(testConfig())
      const db = demoDb(optimizer)
      await seedDemoData(db, { rows: 5_000, companies: 50, end })
      const { rows } = await sql<{ total: string; sources: number }>`
        select sum(price)::text as total, count(distinct source)::int as sources from demo_prices
      `.execute(db.kysely)
      return rows[0]
    }
    const a = await checksum()
    expect(a!.sources).toBe(4)
    expect(await checksum()).toEqual(a)
  }, 60_000)

  it('rejects a row count that is not a positive integer', async () => {
    const optimizer = await startOptimizer(testConfig())
    await expect(seedDemoData(demoDb(optimizer), { rows: 0 })).rejects.toMatchObject({
      code: 'E_CORE_INVALID_ARGUMENT',
    })
  })
})

describe('seedDemoData on PostgreSQL', () => {
  it('creates the tables in the search path, loads with COPY, and skips a second time', async () => {
    const schema = `demo_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    const url = new URL(postgresUrl())
    url.searchParams.set('options', `-c search_path=${schema}`)
    const optimizer = await startOptimizer(testConfig({ database: { url: url.toString() } }))
    const db = demoDb(optimizer)
    await sql`create schema ${sql.id(schema)}`.execute(db.kysely)
    try {
      const first = await seedDemoData(db, { rows: 20_000 })
      console.info(
        `demo seed on PostgreSQL: ${first.priceRows} rows in ${first.ms} ms (${first.method})`,
      )
      expect(first).toMatchObject({
        seeded: true,
        companies: 500,
        priceRows: 20_000,
        method: 'copy',
      })
      const { rows } = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema}
      `.execute(db.kysely)
      expect(rows.map((row) => row.table_name).sort()).toEqual([...DEMO_TABLES].sort())

      const second = await seedDemoData(db, { rows: 20_000 })
      expect(second).toMatchObject({ seeded: false, priceRows: 20_000 })
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(db.kysely)
    }
  })
})
