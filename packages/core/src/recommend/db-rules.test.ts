import type { SlowQuery } from '@bi-perf/db'
import { describe, expect, it } from 'vitest'
import { feed, T0 } from '../../test/fixtures/metrics-feed.js'
import { dbLowQueryCacheHitRate, dbPoolTimeouts, dbPoolWaiting, dbSlowQueries } from './db-rules.js'

const ORDERS_SQL =
  'SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > $1 ORDER BY o.total DESC'

describe('db.pool-waiting', () => {
  const waiting = () => ({ db: { pool: { waiting: 7 } } })

  it('proposes a bigger pool when queries wait for connections', () => {
    expect(dbPoolWaiting.evaluate(feed(waiting))).toMatchObject({
      id: 'db.pool-waiting',
      priority: 'high',
      component: 'db',
      title: 'Queries wait for a database connection: waiting p95 = 7 over 5m',
      evidence: { metric: 'db.pool.waiting.p95', value: 7, threshold: 0, window: '5m' },
      action: 'raise database.pool.max from 10 to 20',
    })
  })

  it('adds at most ten connections to a large pool', () => {
    const ctx = feed(waiting)
    ctx.metrics.tuning.db.poolMax = 25
    expect(dbPoolWaiting.evaluate(ctx)?.action).toBe('raise database.pool.max from 25 to 35')
  })

  it('proposes PostgreSQL instead on embedded PGlite, which has one connection', () => {
    const ctx = feed(() => ({ db: { backend: 'pglite' as const, pool: { waiting: 2 } } }))
    expect(dbPoolWaiting.evaluate(ctx)?.action).toMatch(/^set database\.url to a PostgreSQL server/)
  })

  it('stays silent when nobody waits, and on too little data', () => {
    expect(dbPoolWaiting.evaluate(feed(() => ({})))).toBeUndefined()
    expect(dbPoolWaiting.evaluate(feed(waiting, { count: 2 }))).toBeUndefined()
  })
})

describe('db.pool-timeouts', () => {
  // Three timeouts per 30 s record: six a minute.
  const timingOut = (index: number) => ({ db: { pool: { acquireTimeouts: 3 * index } } })

  it('is critical when queries fail for want of a connection', () => {
    expect(dbPoolTimeouts.evaluate(feed(timingOut))).toMatchObject({
      id: 'db.pool-timeouts',
      priority: 'critical',
      component: 'db',
      title: 'Queries fail waiting for a database connection: 6 PoolTimeoutError/min over 5m',
      evidence: {
        metric: 'db.pool.acquireTimeoutsPerMinute',
        value: 6,
        threshold: 0,
        window: '5m',
      },
      action:
        'raise database.pool.max from 10 to 20, and keep transactions short (a connection is held until commit)',
    })
  })

  it('stays silent without timeouts, and on too little data', () => {
    expect(
      dbPoolTimeouts.evaluate(feed(() => ({ db: { pool: { acquireTimeouts: 4 } } }))),
    ).toBeUndefined()
    expect(dbPoolTimeouts.evaluate(feed(timingOut, { count: 3 }))).toBeUndefined()
  })
})

describe('db.slow-queries', () => {
  /** `perRecord` slow queries finishing in each 30 s interval up to record `index`. */
  const slowList = (index: number, perRecord: number): SlowQuery[] => {
    const list: SlowQuery[] = []
    for (let record = 1; record <= index; record++) {
      for (let n = perRecord; n >= 1; n--) {
        list.push({
          sql: ORDERS_SQL,
          durationMs: 450,
          at: new Date(T0 + record * 30_000 - n * 1_000).toISOString(),
          error: null,
        })
      }
    }
    return list.slice(-100)
  }
  const top = [
    {
      sql: 'SELECT 1',
      count: 90_000,
      errors: 0,
      totalMs: 900_000,
      meanMs: 10,
      p50Ms: 9,
      p95Ms: 20,
      p99Ms: 30,
      maxMs: 40,
    },
    {
      sql: ORDERS_SQL,
      count: 1_200,
      errors: 0,
      totalMs: 540_000,
      meanMs: 450,
      p50Ms: 400,
      p95Ms: 620,
      p99Ms: 800,
      maxMs: 900,
    },
  ]
  const slowQueries = (index: number) => ({ db: { queries: { slow: slowList(index, 5), top } } })

  it('names the slow shape that costs the most, cut to 80 characters', () => {
    expect(dbSlowQueries.evaluate(feed(slowQueries))).toMatchObject({
      id: 'db.slow-queries',
      priority: 'medium',
      component: 'db',
      title: '10 queries/min slower than 200 ms over 5m',
      evidence: { metric: 'db.queries.slowPerMinute', value: 10, threshold: 5, window: '5m' },
      action: `add an index or cache it with db.cached(): "${ORDERS_SQL.slice(0, 79)}…" (p95 620 ms, 1200 runs, 540 s in total)`,
    })
  })

  it('falls back to the latest slow query when no shape is tracked', () => {
    const ctx = feed((index) => ({ db: { queries: { slow: slowList(index, 5), top: [] } } }))
    expect(dbSlowQueries.evaluate(ctx)?.action).toMatch(
      /db\.cached\(\): "SELECT o\.id.*…" \(450 ms\)$/,
    )
  })

  it('stays silent on a few slow queries, and on too little data', () => {
    const few = (index: number) => ({ db: { queries: { slow: slowList(index, 1), top } } })
    expect(dbSlowQueries.evaluate(feed(few))).toBeUndefined()
    expect(dbSlowQueries.evaluate(feed(slowQueries, { count: 3 }))).toBeUndefined()
  })
})

describe('db.low-query-cache-hit-rate', () => {
  const missing = (index: number) => ({ db: { cache: { hits: 100 * index, misses: 300 * index } } })

  it('proposes a longer cache TTL or cache scopes when cached reads mostly miss', () => {
    expect(dbLowQueryCacheHitRate.evaluate(feed(missing))).toMatchObject({
      id: 'db.low-query-cache-hit-rate',
      priority: 'medium',
      component: 'db',
      title: 'db.cached() hit rate is 25% over 5m',
      evidence: { metric: 'db.queryCache.hitRate.mean', value: 0.25, threshold: 0.5, window: '5m' },
      action:
        'raise database.cacheTtl from 1m to 2m, or configure database.cacheScopes for tables written often so a write invalidates only the rows it touches',
    })
  })

  it('names writes as the cause when they invalidated the results within the window', () => {
    const invalidated = (index: number) => ({
      db: { cache: { ...missing(index).db.cache, stored: 30 * index, invalidations: 30 * index } },
    })
    const recommendation = dbLowQueryCacheHitRate.evaluate(feed(invalidated))
    expect(recommendation?.action).toContain('configure database.cacheScopes')
    expect(recommendation?.action).toContain('a longer database.cacheTtl would not help')
    expect(recommendation?.evidence.summary).toContain(
      '1 invalidations/s after writes for 1 results stored/s',
    )
    // Invalidations long ago (a migration at start) do not explain misses now.
    const invalidatedOnce = (index: number) => ({
      db: { cache: { ...missing(index).db.cache, stored: 30 * index, invalidations: 5_000 } },
    })
    expect(dbLowQueryCacheHitRate.evaluate(feed(invalidatedOnce))?.action).toContain(
      'raise database.cacheTtl from 1m to 2m',
    )
  })

  it('stays silent on a good hit rate, and on too little data', () => {
    const hitting = (index: number) => ({
      db: { cache: { hits: 900 * index, misses: 100 * index } },
    })
    expect(dbLowQueryCacheHitRate.evaluate(feed(hitting))).toBeUndefined()
    expect(dbLowQueryCacheHitRate.evaluate(feed(missing, { count: 3 }))).toBeUndefined()
  })
})
