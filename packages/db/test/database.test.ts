import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DatabaseClosedError,
  InvalidArgumentError,
  MismatchedColumnsError,
  NotCacheableError,
  PoolTimeoutError,
  QueryError,
  UnknownTableError,
  type CacheableQuery,
  type Database,
} from '@bi-perf/db'
import { waitFor } from '@bi-perf/test-services'
import { freshId, openDatabase, type BackendName, type TestDB } from './helpers.js'

// The same behaviours on a real PostgreSQL server and on embedded PGlite.
describe.each<BackendName>(['postgres', 'pglite'])('on %s', (backend) => {
  let db: Database<TestDB>
  let dispose: () => Promise<void>

  beforeAll(async () => {
    ;({ db, dispose } = await openDatabase(backend, { slowQueryMs: 100 }))
  }, 60_000)

  afterAll(async () => {
    await dispose()
  })

  const pricesOf = (productId: number) =>
    db.kysely
      .selectFrom('prices')
      .select(['product_id', 'price'])
      .where('product_id', '=', productId)
      .orderBy('id')

  const countOf = async (productId: number) => (await db.cached(pricesOf(productId))).length

  it('serves a repeated select from the cache without querying', async () => {
    const id = freshId()
    await db.kysely
      .insertInto('prices')
      .values({ product_id: id, price: '1.50', at: new Date() })
      .execute()
    const first = await db.cached(pricesOf(id))
    const executed = db.stats().queries.executed
    const hits = db.stats().cache.hits
    const second = await db.cached(pricesOf(id))
    expect(second).toEqual(first)
    expect(first).toHaveLength(1)
    expect(db.stats().queries.executed).toBe(executed)
    expect(db.stats().cache.hits).toBe(hits + 1)
  })

  it('keys on the parameters: another value is a miss', async () => {
    const id = freshId()
    await db.cached(pricesOf(id))
    const misses = db.stats().cache.misses
    await db.cached(pricesOf(id + 100_000))
    expect(db.stats().cache.misses).toBe(misses + 1)
  })

  it('runs one query for concurrent misses of one key', async () => {
    const id = freshId()
    const executed = db.stats().queries.executed
    const coalesced = db.stats().cache.coalesced
    const results = await Promise.all(Array.from({ length: 20 }, () => db.cached(pricesOf(id))))
    expect(new Set(results.map((rows) => JSON.stringify(rows))).size).toBe(1)
    expect(db.stats().queries.executed).toBe(executed + 1)
    expect(db.stats().cache.coalesced).toBe(coalesced + 19)
  })

  it('invalidates cached reads of a table on insert, update and delete through kysely', async () => {
    const id = freshId()
    expect(await countOf(id)).toBe(0)
    await db.kysely
      .insertInto('prices')
      .values({ product_id: id, price: '2.00', at: new Date() })
      .execute()
    expect(await countOf(id)).toBe(1)
    await db.kysely
      .updateTable('prices')
      .set({ price: '3.00' })
      .where('product_id', '=', id)
      .execute()
    expect((await db.cached(pricesOf(id)))[0]?.price).toMatch(/^3\.00?$/)
    await db.kysely.deleteFrom('prices').where('product_id', '=', id).execute()
    expect(await countOf(id)).toBe(0)
  })

  it('keeps reads of other tables cached when one table is written', async () => {
    const id = freshId()
    const products = () => db.kysely.selectFrom('products').select('name').where('id', '=', id)
    await db.cached(products())
    await db.kysely
      .insertInto('prices')
      .values({ product_id: id, price: '1', at: new Date() })
      .execute()
    const hits = db.stats().cache.hits
    await db.cached(products())
    expect(db.stats().cache.hits).toBe(hits + 1)
  })

  it('invalidates on raw SQL writes too', async () => {
    const id = freshId()
    expect(await countOf(id)).toBe(0)
    await sql`insert into prices (product_id, price) values (${id}, ${5})`.execute(db.kysely)
    expect(await countOf(id)).toBe(1)
  })

  it('invalidates writes of a transaction only after it commits', async () => {
    const id = freshId()
    expect(await countOf(id)).toBe(0)
    const invalidations = db.stats().cache.invalidations
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('prices')
        .values({ product_id: id, price: '1', at: new Date() })
        .execute()
      await trx
        .insertInto('prices')
        .values({ product_id: id, price: '2', at: new Date() })
        .execute()
      expect(db.stats().cache.invalidations).toBe(invalidations)
    })
    expect(db.stats().cache.invalidations).toBe(invalidations + 1)
    expect(await countOf(id)).toBe(2)
  })

  it('does not invalidate for a rolled-back transaction', async () => {
    const id = freshId()
    expect(await countOf(id)).toBe(0)
    const { invalidations, hits } = db.stats().cache
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('prices')
          .values({ product_id: id, price: '1', at: new Date() })
          .execute()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(db.stats().cache.invalidations).toBe(invalidations)
    expect(await countOf(id)).toBe(0)
    expect(db.stats().cache.hits).toBe(hits + 1)
  })

  it('drops the tags of writes rolled back to a savepoint', async () => {
    const id = freshId()
    const product = () => db.kysely.selectFrom('products').select('name').where('id', '=', id)
    expect(await db.cached(product())).toEqual([])
    expect(await countOf(id)).toBe(0)
    const trx = await db.kysely.startTransaction().execute()
    await trx.insertInto('prices').values({ product_id: id, price: '1', at: new Date() }).execute()
    const inner = await trx.savepoint('before_product').execute()
    await inner.insertInto('products').values({ id, name: 'gone', tags: null }).execute()
    expect(
      await db.cached(inner.selectFrom('products').select('name').where('id', '=', id)),
    ).toHaveLength(1)
    const released = await inner.rollbackToSavepoint('before_product').execute()
    await released.commit().execute()
    const hits = db.stats().cache.hits
    expect(await db.cached(product())).toEqual([])
    expect(db.stats().cache.hits).toBe(hits + 1)
    expect(await countOf(id)).toBe(1)
  })

  it('never caches reads inside a transaction', async () => {
    const id = freshId()
    expect(await countOf(id)).toBe(0)
    const bypassed = db.stats().cache.bypassed
    await db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('prices')
          .values({ product_id: id, price: '1', at: new Date() })
          .execute()
        const inside = await db.cached(
          trx
            .selectFrom('prices')
            .select(['product_id', 'price'])
            .where('product_id', '=', id)
            .orderBy('id'),
        )
        expect(inside).toHaveLength(1)
        throw new Error('roll back')
      })
      .catch(() => {})
    expect(db.stats().cache.bypassed).toBe(bypassed + 1)
    expect(await countOf(id)).toBe(0)
  })

  it('refuses to cache anything but a select, with a typed error', async () => {
    const insert = db.kysely
      .insertInto('prices')
      .values({ product_id: 1, price: '1', at: new Date() })
    await expect(db.cached(insert as unknown as CacheableQuery<unknown>)).rejects.toBeInstanceOf(
      NotCacheableError,
    )
    const hidden = db.kysely
      .with('gone', (qb) => qb.deleteFrom('prices').where('product_id', '=', -1).returning('id'))
      .selectFrom('gone')
      .selectAll()
    await expect(db.cached(hidden)).rejects.toThrow(/data-modifying CTE/)
  })

  it('with cacheScopes, invalidates only the reads of the written scope value', async () => {
    const scoped = await openDatabase(backend, { cacheScopes: { prices: 'product_id' } })
    try {
      const [a, b] = [freshId(), freshId()]
      const read = (id: number) =>
        scoped.db.cached(
          scoped.db.kysely.selectFrom('prices').select('price').where('product_id', '=', id),
        )
      expect(await read(a)).toEqual([])
      expect(await read(b)).toEqual([])
      await scoped.db.kysely
        .insertInto('prices')
        .values({ product_id: a, price: '1', at: new Date() })
        .execute()
      const hits = scoped.db.stats().cache.hits
      expect(await read(a)).toHaveLength(1)
      expect(await read(b)).toEqual([])
      expect(scoped.db.stats().cache.hits).toBe(hits + 1)
      // Raw SQL has no provable scope: every read of the table goes.
      await sql`insert into prices (product_id, price) values (${b}, ${2})`.execute(
        scoped.db.kysely,
      )
      expect(await read(b)).toHaveLength(1)
    } finally {
      await scoped.dispose()
    }
  }, 60_000)

  it('fails with a typed timeout when the pool is exhausted, never hangs', async () => {
    const small = await openDatabase(backend, { pool: { max: 1, connectionTimeout: 300 } })
    try {
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const holder = small.db.kysely.transaction().execute(async (trx) => {
        await trx.selectFrom('prices').select('id').execute()
        await held
      })
      await waitFor(() => small.db.stats().pool.active === 1, { what: 'the connection to be held' })
      const error: unknown = await small.db.kysely
        .selectFrom('prices')
        .select('id')
        .execute()
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PoolTimeoutError)
      expect(error).toMatchObject({ code: 'E_DB_POOL_TIMEOUT', timeoutMs: 300, max: 1 })
      expect(small.db.stats().pool.acquireTimeouts).toBe(1)
      release()
      await holder
      expect(await small.db.kysely.selectFrom('prices').select('id').execute()).toBeInstanceOf(
        Array,
      )
    } finally {
      await small.dispose()
    }
  }, 60_000)

  it('batch-inserts across the 65,535-parameter limit in one transaction', async () => {
    const id = freshId()
    const rows = Array.from({ length: 30_000 }, (_, index) => ({
      product_id: id,
      price: (index % 1000) / 10,
      at: new Date(1_700_000_000_000 + index * 1000),
    }))
    const result = await db.batchInsert('prices', rows, { strategy: 'values', chunkSize: 50_000 })
    expect(result).toEqual({ rows: 30_000, chunks: 2, strategy: 'values' })
    const unnest = await db.batchInsert('prices', rows, { chunkSize: 20_000 })
    expect(unnest).toEqual({ rows: 30_000, chunks: 2, strategy: 'unnest' })
    const [{ count } = { count: 0 }] = await db.kysely
      .selectFrom('prices')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('product_id', '=', id)
      .execute()
    expect(Number(count)).toBe(60_000)
  }, 60_000)

  it('rolls back every chunk when one fails', async () => {
    const id = freshId()
    const rows = [
      { id, name: 'a', tags: ['x'] },
      { id: id + 1, name: 'b', tags: null },
      { id, name: 'duplicate', tags: null },
    ]
    const error: unknown = await db
      .batchInsert('products', rows, { chunkSize: 1 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryError)
    expect((error as QueryError).sqlState).toBe('23505')
    const left = await db.kysely
      .selectFrom('products')
      .select('id')
      .where('id', 'in', [id, id + 1])
      .execute()
    expect(left).toEqual([])
  })

  it('upserts with onConflict', async () => {
    const id = freshId()
    await db.batchInsert('products', [{ id, name: 'old', tags: ['a', 'b "c"'] }])
    const names = () =>
      db.cached(db.kysely.selectFrom('products').select(['name', 'tags']).where('id', '=', id))
    expect(await names()).toEqual([{ name: 'old', tags: ['a', 'b "c"'] }])
    await db.batchInsert('products', [{ id, name: 'new', tags: null }], {
      onConflict: { columns: ['id'], update: ['name'] },
    })
    expect(await names()).toEqual([{ name: 'new', tags: ['a', 'b "c"'] }])
    await db.batchInsert('products', [{ id, name: 'ignored', tags: null }], {
      onConflict: { columns: ['id'], action: 'nothing' },
    })
    expect((await names())[0]?.name).toBe('new')
  })

  it('rejects bad batch input with typed errors naming the problem', async () => {
    await expect(db.batchInsert('no_such_table', [{ a: 1 }])).rejects.toBeInstanceOf(
      UnknownTableError,
    )
    await expect(db.batchInsert('prices', [])).rejects.toThrow(InvalidArgumentError)
    await expect(db.batchInsert('prices', [])).rejects.toThrow(/rows.*empty/)
    const mismatch: unknown = await db
      .batchInsert('products', [
        { id: 1, name: 'a', tags: null },
        { id: 2, title: 'b', tags: null },
      ])
      .catch((e: unknown) => e)
    expect(mismatch).toBeInstanceOf(MismatchedColumnsError)
    expect(mismatch).toMatchObject({ rowIndex: 1, unexpected: ['title'], missing: ['name'] })
    await expect(db.batchInsert('products', [{ id: 1, colour: 'red' }])).rejects.toThrow(
      /unexpected "colour"/,
    )
    await expect(
      db.batchInsert('prices', [{ product_id: 1, price: 1 }], { chunkSize: 0 }),
    ).rejects.toThrow(/options\.chunkSize/)
  })

  it('loads rows with copyFrom from an array or an async iterable', async () => {
    const id = freshId()
    const expected = backend === 'postgres' ? 'copy' : 'batch-insert'
    const first = await db.copyFrom('products', [
      { id, name: 'tab\there', tags: ['a,b', null] },
      { id: id + 1, name: 'new\nline \\ slash', tags: null },
    ])
    expect(first).toEqual({ rows: 2, method: expected })
    async function* more() {
      for (let index = 2; index < 1002; index++)
        yield await Promise.resolve({ id: id + index, name: `p${index}`, tags: null })
    }
    expect(await db.copyFrom('products', more())).toEqual({ rows: 1000, method: expected })
    const stored = await db.kysely
      .selectFrom('products')
      .select(['name', 'tags'])
      .where('id', 'in', [id, id + 1])
      .orderBy('id')
      .execute()
    expect(stored).toEqual([
      { name: 'tab\there', tags: ['a,b', null] },
      { name: 'new\nline \\ slash', tags: null },
    ])
  })

  it('aborts a COPY with a bad row and loads nothing', async () => {
    const id = freshId()
    const rows = [
      { id, name: 'a', tags: null },
      { id: id + 1, nom: 'b', tags: null },
    ]
    await expect(db.copyFrom('products', rows)).rejects.toBeInstanceOf(MismatchedColumnsError)
    expect(
      await db.kysely.selectFrom('products').select('id').where('id', '=', id).execute(),
    ).toEqual([])
    await expect(db.copyFrom('products', [])).rejects.toThrow(InvalidArgumentError)
  })

  it('keeps slow queries with their shape and never their parameter values', async () => {
    // Seven decimals: timings are rounded to three, so only a leaked parameter could print this.
    const secret = 0.2013579
    await sql`select pg_sleep(${secret})`.execute(db.kysely)
    const slow = db.stats().queries.slow.find((entry) => entry.sql.includes('pg_sleep'))
    expect(slow?.sql).toBe('select pg_sleep($1)')
    expect(slow!.durationMs).toBeGreaterThan(100)
    expect(JSON.stringify(db.stats())).not.toContain(String(secret))
  })

  it('reports per-shape counts and percentiles, heaviest first', async () => {
    for (let index = 0; index < 5; index++) {
      await db.kysely.selectFrom('products').select('id').where('id', '=', index).execute()
    }
    const shape = db.stats().queries.top.length
    expect(shape).toBeGreaterThan(0)
    const totals = db.stats().queries.top.map((entry) => entry.totalMs)
    expect(totals).toEqual([...totals].sort((a, b) => b - a))
    const stats = db.stats()
    expect(stats.queries.shapes).toBeGreaterThan(3)
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats)
  })

  it('turns SQL errors into QueryError with the shape and SQLSTATE, not the values', async () => {
    const error: unknown = await sql`select * from missing_table where name = ${'s3cret-value'}`
      .execute(db.kysely)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryError)
    expect(error).toMatchObject({ code: 'E_DB_QUERY', sqlState: '42P01' })
    expect((error as QueryError).sql).toContain('$1')
    expect((error as Error).message).not.toContain('s3cret-value')
    expect(db.stats().queries.errors).toBeGreaterThan(0)
  })

  it('reports health with latency and server version', async () => {
    const report = await db.health()
    expect(report.status).not.toBe('down')
    expect(report.latencyMs).toBeGreaterThanOrEqual(0)
    expect(report.serverVersion).toMatch(/^\d+/)
    expect(report.backend).toBe(backend)
    expect(report.pool.max).toBe(backend === 'postgres' ? 10 : 1)
  })

  it('reports pool counters and the acquire-wait histogram', () => {
    const pool = db.stats().pool
    expect(pool.connectionsCreated).toBeGreaterThan(0)
    expect(pool.acquired).toBeGreaterThan(0)
    expect(pool.acquireWaitMs.count).toBe(
      pool.acquireWaitHistogram.reduce((sum, bucket) => sum + bucket.count, 0),
    )
  })

  it('closes idempotently and refuses use afterwards', async () => {
    const other = await openDatabase(backend, {}, { createTables: false })
    await other.db.health()
    await other.dispose()
    await other.db.close()
    await expect(other.db.health()).rejects.toBeInstanceOf(DatabaseClosedError)
  }, 60_000)
})
