import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidDurationError,
  InvalidOptionError,
  createDatabase,
  type CacheStore,
  type DatabaseReconfiguration,
  type Duration,
} from '@bi-perf/db'
import { postgresUrl, waitFor } from '@bi-perf/test-services'
import { admin, openDatabase, uniqueName, type BackendName } from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function open(backend: BackendName, options: Parameters<typeof openDatabase>[1] = {}) {
  const opened = await openDatabase(backend, options, { createTables: false })
  cleanups.push(opened.dispose)
  return opened.db
}

/**
 * A latch on the server: an exclusive advisory lock held by a session of the test. Queries that
 * take the same lock (shared) block on it until `open()`, without any sleep or timing.
 */
async function serverLatch() {
  const key = Math.floor(Math.random() * 2 ** 31)
  const holder = new pg.Client({ connectionString: postgresUrl() })
  await holder.connect()
  await holder.query('select pg_advisory_lock($1)', [key])
  let released = false
  const open = async () => {
    if (released) return
    released = true
    await holder.query('select pg_advisory_unlock($1)', [key])
    await holder.end()
  }
  cleanups.push(open)
  return { key, open }
}

describe('db.configure on postgres', () => {
  it('lets waiting callers run at once when pool.max is raised', async () => {
    const applicationName = uniqueName('raise')
    const db = await open('postgres', {
      applicationName,
      pool: { max: 2, connectionTimeout: '30s' },
    })
    const latch = await serverLatch()
    const queries = Array.from({ length: 4 }, () =>
      sql`select pg_advisory_xact_lock_shared(${latch.key})`.execute(db.kysely),
    )
    await waitFor(() => db.stats().pool.waiting === 2 && db.stats().pool.active === 2, {
      what: 'two queries running and two waiting',
    })

    const settings = db.configure({ pool: { max: 4 } })
    expect(settings.pool.max).toBe(4)
    expect(db.stats().pool.max).toBe(4)
    // All four hold a connection while the latch is still closed: they ran at once.
    await waitFor(() => db.stats().pool.active === 4 && db.stats().pool.waiting === 0, {
      what: 'four connections in use',
    })
    await waitFor(
      async () => {
        const [row] = await admin<{ count: number }>(
          `select count(*)::int as count from pg_stat_activity
            where application_name = $1 and wait_event_type = 'Lock'`,
          [applicationName],
        )
        return row?.count === 4
      },
      { what: 'four backends blocked on the latch' },
    )
    await latch.open()
    await Promise.all(queries)
  })

  it('closes connections above a lowered pool.max as they are released', async () => {
    // A long idle timeout, so only the release path can close the surplus connections.
    const db = await open('postgres', {
      pool: { max: 3, connectionTimeout: '30s', idleTimeout: '10m' },
    })
    const latch = await serverLatch()
    const queries = Array.from({ length: 3 }, () =>
      sql`select pg_advisory_xact_lock_shared(${latch.key})`.execute(db.kysely),
    )
    await waitFor(() => db.stats().pool.active === 3, { what: 'three connections in use' })

    db.configure({ pool: { max: 1 } })
    expect(db.stats().pool).toMatchObject({ max: 1, total: 3 })
    await latch.open()
    await Promise.all(queries)
    await waitFor(() => db.stats().pool.total === 1, { what: 'the pool to shrink to max' })
    await sql`select 1`.execute(db.kysely)
    expect(db.stats().pool.total).toBe(1)
  })

  it('reports every setting in force', async () => {
    const db = await open('postgres', { pool: { profile: 'analytics', max: 3 }, slowQueryMs: 50 })
    expect(db.settings()).toEqual({
      backend: 'postgres',
      pool: {
        max: 3,
        min: 0,
        idleTimeoutMs: 60_000,
        connectionTimeoutMs: 30_000,
        statementTimeoutMs: 600_000,
      },
      cacheTtlMs: 60_000,
      slowQueryMs: 50,
    })
    const next = db.configure({ pool: { min: 1, idleTimeout: '5s', connectionTimeout: '2s' } })
    expect(next.pool).toEqual({
      max: 3,
      min: 1,
      idleTimeoutMs: 5_000,
      connectionTimeoutMs: 2_000,
      statementTimeoutMs: 600_000,
    })
    expect(db.settings()).toEqual(next)
  })
})

describe.each<BackendName>(['postgres', 'pglite'])('db.configure on %s', (backend) => {
  it('applies a new slowQueryMs to later queries', async () => {
    const db = await open(backend, { slowQueryMs: 60_000 })
    await sql`select 1 as before_change`.execute(db.kysely)
    expect(db.stats().queries.slow).toHaveLength(0)

    expect(db.configure({ slowQueryMs: 0 }).slowQueryMs).toBe(0)
    expect(db.stats().queries.slowQueryMs).toBe(0)
    await sql`select 1 as after_change`.execute(db.kysely)
    const slow = db.stats().queries.slow.map((query) => query.sql)
    expect(slow).toHaveLength(1)
    expect(slow[0]).toContain('after_change')
  })

  it('caches later results with a new cacheTtl', async () => {
    const ttls: (Duration | undefined)[] = []
    const store: CacheStore = {
      get: () => Promise.resolve(undefined),
      set: (_key, _value, options) => {
        ttls.push(options?.ttl)
        return Promise.resolve()
      },
      invalidateTags: () => Promise.resolve(),
    }
    const db = await open(backend, { cache: store, cacheTtl: '1m' })
    const query = (n: number) => db.kysely.selectNoFrom(sql<number>`${n}::int`.as('n'))
    await db.cached(query(1))
    expect(db.configure({ cacheTtl: '5s' }).cacheTtlMs).toBe(5_000)
    await db.cached(query(2))
    await db.cached(query(3), { ttl: 10 })
    expect(ttls).toEqual([60_000, 5_000, 10])
  })

  it.each<[DatabaseReconfiguration, typeof InvalidOptionError, RegExp]>([
    [{ pool: { max: 0 } }, InvalidOptionError, /pool\.max 0: must be a positive integer/],
    [{ pool: { max: 1.5 } }, InvalidOptionError, /pool\.max 1\.5/],
    [{ pool: { min: 9, max: 8 } }, InvalidOptionError, /pool\.min 9: must not exceed pool\.max/],
    [{ pool: { max: 1 } }, InvalidOptionError, /pool\.max 1: must not be below pool\.min \(2\)/],
    [{ slowQueryMs: -1 }, InvalidOptionError, /slowQueryMs -1/],
    [{ url: 'postgres://x/y' } as never, InvalidOptionError, /url .*cannot be changed/],
    [
      { cacheTTL: '5s' } as never,
      InvalidOptionError,
      /cacheTTL "5s": unknown option; did you mean "cacheTtl"\?/,
    ],
    [
      { pool: { statementTimeout: 5 } } as never,
      InvalidOptionError,
      /pool\.statementTimeout .*cannot be changed/,
    ],
    [
      { cacheTtl: '5m', pool: { idleTimeout: -1 } },
      InvalidDurationError as never,
      /pool\.idleTimeout/,
    ],
    [{ cacheTtl: 'soon' }, InvalidDurationError as never, /Invalid cacheTtl "soon"/],
  ])('rejects %j with a typed error and changes nothing', async (changes, type, rule) => {
    const db = await open(backend, { pool: { max: 4, min: 2 } })
    const before = db.settings()
    const stats = db.stats().pool
    expect(() => db.configure(changes)).toThrow(type)
    expect(() => db.configure(changes)).toThrow(rule)
    expect(db.settings()).toEqual(before)
    expect(db.stats().pool.max).toBe(stats.max)
  })
})

describe('db.configure on pglite', () => {
  it('reports one connection and accepts but ignores pool.max and pool.min', async () => {
    const db = createDatabase({ pool: { max: 10, connectionTimeout: '5s' } })
    cleanups.push(() => db.close())
    expect(db.settings().pool).toMatchObject({ max: 1, min: 1, statementTimeoutMs: 0 })

    const settings = db.configure({ pool: { max: 8, min: 2, connectionTimeout: '2s' } })
    expect(settings.backend).toBe('pglite')
    expect(settings.pool).toMatchObject({ max: 1, min: 1, connectionTimeoutMs: 2_000 })
    expect(db.stats().pool.max).toBe(1)
    expect((await sql<{ n: number }>`select 1 as n`.execute(db.kysely)).rows).toEqual([{ n: 1 }])
  })
})
