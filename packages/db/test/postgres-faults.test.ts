import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, QueryCancelledError, createDatabase, type Database } from '@bi-perf/db'
import { freePort, waitFor } from '@bi-perf/test-services'
import { admin, openDatabase, uniqueName, type TestDB } from './helpers.js'

// Server-side behaviours only a real PostgreSQL has: cancelling, timeouts, killed backends.
describe('on postgres, faults', () => {
  const applicationName = uniqueName('faults')
  let db: Database<TestDB>
  let dispose: () => Promise<void>

  beforeAll(async () => {
    ;({ db, dispose } = await openDatabase('postgres', { applicationName, pool: { max: 4 } }))
  })

  afterAll(async () => {
    await dispose()
  })

  const backends = () =>
    admin<{ pid: number; query: string }>(
      'select pid, query from pg_stat_activity where application_name = $1',
      [applicationName],
    )

  it('cancels a running query on the server when its AbortSignal aborts', async () => {
    const controller = new AbortController()
    const running = db.withAbortSignal(controller.signal, () =>
      sql`select pg_sleep(${60})`.execute(db.kysely),
    )
    await waitFor(async () => (await backends()).some((row) => row.query.includes('pg_sleep')), {
      what: 'the query to run',
    })
    controller.abort()
    const error: unknown = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryCancelledError)
    expect(error).toMatchObject({ code: 'E_DB_QUERY_CANCELLED', reason: 'signal' })
    expect(await db.kysely.selectFrom('prices').select('id').execute()).toBeInstanceOf(Array)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const error: unknown = await db
      .withAbortSignal(AbortSignal.abort(), () =>
        db.kysely.selectFrom('prices').selectAll().execute(),
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryCancelledError)
  })

  it('fails a statement past pool.statementTimeout with reason statement-timeout', async () => {
    const strict = await openDatabase('postgres', { pool: { statementTimeout: 200 } })
    try {
      const error: unknown = await sql`select pg_sleep(${30})`
        .execute(strict.db.kysely)
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(QueryCancelledError)
      expect(error).toMatchObject({ reason: 'statement-timeout' })
    } finally {
      await strict.dispose()
    }
  })

  it('recovers after its backends are terminated, without a restart of the app', async () => {
    await Promise.all(
      Array.from({ length: 4 }, () => sql`select pg_sleep(${0.05})`.execute(db.kysely)),
    )
    const created = db.stats().pool.connectionsCreated
    const terminated = await admin<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
      [applicationName],
    )
    expect(terminated.length).toBeGreaterThan(0)
    // Until the pool has noticed every dead session a query may still fail; it must then heal.
    await waitFor(
      async () => {
        try {
          await db.kysely.selectFrom('prices').select('id').execute()
          return true
        } catch {
          return false
        }
      },
      { what: 'a query to succeed again' },
    )
    for (let index = 0; index < 20; index++) {
      await db.kysely.selectFrom('prices').select('id').execute()
    }
    expect(db.stats().pool.connectionsCreated).toBeGreaterThan(created)
    expect((await db.health()).status).not.toBe('down')
  })

  it('reports a refused connection as ConnectionError and health down', async () => {
    const port = await freePort()
    const nowhere = createDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      pool: { connectionTimeout: 2000 },
    })
    try {
      await expect(nowhere.kysely.selectNoFrom(sql`1`.as('one')).execute()).rejects.toBeInstanceOf(
        ConnectionError,
      )
      const report = await nowhere.health()
      expect(report.status).toBe('down')
      expect(report.latencyMs).toBeNull()
      expect(nowhere.stats().pool.connectionsFailed).toBe(2)
    } finally {
      await nowhere.close()
    }
  })
})
