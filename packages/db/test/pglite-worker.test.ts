import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  DatabaseClosedError,
  EmbeddedTimeoutError,
  QueryError,
  createDatabase,
  type Database,
} from '@bi-perf/db'
// The engine is internal; its tests reach the worker itself to play a crash.
import { PgliteWorkerEngine } from '../src/pglite-worker-engine.js'

interface WorkerDB {
  accounts: { id: number; owner: string; balance: number }
}

/** A statement that keeps PGlite busy; `pg_sleep` blocks the thread PGlite runs on. */
const BUSY = 'select pg_sleep(1) as slept'

const settled = (promise: Promise<unknown>) => {
  const state = { done: false }
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  )
  return state
}

describe('embedded PGlite in a worker thread', () => {
  let db: Database<WorkerDB>

  beforeAll(async () => {
    db = createDatabase<WorkerDB>()
    await sql`create table accounts (id int primary key, owner text not null, balance int not null)`.execute(
      db.kysely,
    )
  }, 60_000)

  afterAll(async () => {
    await db.close()
  })

  it('commits a transaction run through the worker', async () => {
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values({ id: 1, owner: 'ada', balance: 10 }).execute()
      await trx.updateTable('accounts').set({ balance: 15 }).where('id', '=', 1).execute()
    })
    const rows = await db.kysely.selectFrom('accounts').selectAll().where('id', '=', 1).execute()
    expect(rows).toEqual([{ id: 1, owner: 'ada', balance: 15 }])
    expect(db.stats().transactions.committed).toBeGreaterThanOrEqual(1)
  })

  it('rolls back a transaction whose callback throws', async () => {
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('accounts').values({ id: 2, owner: 'bob', balance: 1 }).execute()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    const rows = await db.kysely.selectFrom('accounts').selectAll().where('id', '=', 2).execute()
    expect(rows).toEqual([])
  })

  it('queues concurrent transactions on the one session', async () => {
    const order: string[] = []
    const transfer = (name: string, id: number) =>
      db.kysely.transaction().execute(async (trx) => {
        order.push(`${name}:begin`)
        await trx.insertInto('accounts').values({ id, owner: name, balance: 0 }).execute()
        await sql`select pg_sleep(0.05)`.execute(trx)
        order.push(`${name}:end`)
      })
    await Promise.all([transfer('a', 10), transfer('b', 11), transfer('c', 12)])
    // Each transaction ran start to end before the next began.
    expect(order).toEqual(['a:begin', 'a:end', 'b:begin', 'b:end', 'c:begin', 'c:end'])
    const { rows } = await sql<{
      n: number
    }>`select count(*)::int as n from accounts where id >= 10`.execute(db.kysely)
    expect(rows[0]!.n).toBe(3)
  })

  it('keeps the SQLSTATE and the fields of a PostgreSQL error (unique violation 23505)', async () => {
    await db.kysely.insertInto('accounts').values({ id: 3, owner: 'cy', balance: 0 }).execute()
    const error = await db.kysely
      .insertInto('accounts')
      .values({ id: 3, owner: 'cy', balance: 0 })
      .execute()
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(QueryError)
    expect((error as QueryError).sqlState).toBe('23505')
    expect((error as QueryError).cause).toMatchObject({
      code: '23505',
      constraint: 'accounts_pkey',
      table: 'accounts',
      severity: 'ERROR',
    })
    // The session is usable afterwards.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('returns parameters and results of every common type as the main-thread PGlite does', async () => {
    const main = createDatabase({ embedded: { thread: 'main' } })
    try {
      const at = new Date('2026-03-04T05:06:07.890Z')
      const probe = (target: Database<unknown>) =>
        sql`select ${at}::timestamptz as at, ${5n}::int8 as big, 9007199254740993::int8 as huge,
                   ${Buffer.from([0, 1, 255])}::bytea as bytes, ${new Uint8Array([7])}::bytea as u8,
                   ${null}::text as nothing, ${JSON.stringify({ a: [1, 'x'], b: null })}::jsonb as doc,
                   '12.50'::numeric as amount, array[1, 2]::int[] as list, true as yes`.execute(
          target.kysely,
        )
      const [fromWorker, fromMain] = await Promise.all([
        probe(db as Database<unknown>),
        probe(main),
      ])
      expect(fromWorker.rows).toEqual(fromMain.rows)
      const row = fromWorker.rows[0] as Record<string, unknown>
      expect(row.at).toBeInstanceOf(Date)
      expect((row.at as Date).toISOString()).toBe(at.toISOString())
      expect(row.bytes).toBeInstanceOf(Uint8Array)
      expect([...(row.bytes as Uint8Array)]).toEqual([0, 1, 255])
      expect(row.doc).toEqual({ a: [1, 'x'], b: null })
      expect(row.nothing).toBeNull()
    } finally {
      await main.close()
    }
  })

  it('keeps the event loop turning while a long statement runs', async () => {
    const busy = sql`${sql.raw(BUSY)}`.execute(db.kysely)
    const state = settled(busy)
    await new Promise((resolve) => setImmediate(resolve))
    // An immediate callback ran while the statement was still in flight.
    expect(state.done).toBe(false)
    await busy
    expect(state.done).toBe(true)
  })
})

describe('the PGlite worker engine', () => {
  const settings = { dataDir: undefined, searchPath: undefined }

  it('rejects calls in flight with DatabaseClosedError when closed, and later calls too', async () => {
    const engine = await PgliteWorkerEngine.start(settings, 60_000)
    const inFlight = expect(engine.query(BUSY, [])).rejects.toBeInstanceOf(DatabaseClosedError)
    await engine.close()
    await inFlight
    await expect(engine.query('select 1', [])).rejects.toBeInstanceOf(DatabaseClosedError)
    await engine.close()
  }, 30_000)

  it('rejects pending calls with ConnectionError when the worker dies, instead of hanging', async () => {
    const engine = await PgliteWorkerEngine.start(settings, 60_000)
    const first = expect(engine.query(BUSY, [])).rejects.toBeInstanceOf(ConnectionError)
    const queued = expect(engine.query('select 1', [])).rejects.toBeInstanceOf(ConnectionError)
    await engine.worker.terminate()
    await first
    await queued
    await expect(engine.query('select 1', [])).rejects.toThrow(/worker exited/)
    await engine.close()
  }, 30_000)

  it('fails a call that outlives callTimeout with EmbeddedTimeoutError', async () => {
    const engine = await PgliteWorkerEngine.start(settings, 100)
    try {
      const error = await engine.query(BUSY, []).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(EmbeddedTimeoutError)
      expect(error).toMatchObject({ code: 'E_DB_EMBEDDED_TIMEOUT', timeoutMs: 100 })
    } finally {
      await engine.close()
    }
  }, 30_000)

  it('does not keep the process alive once closed', async () => {
    const engine = await PgliteWorkerEngine.start(settings, 60_000)
    await engine.query('select 1', [])
    await engine.close()
    expect(engine.worker.threadId).toBe(-1)
  }, 30_000)
})
