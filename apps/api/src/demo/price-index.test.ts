import { createDatabase } from '@bi-perf/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCompanies } from './dataset.js'
import {
  CLOSED_WEEK_GRACE_MS,
  closedWeeksCutoff,
  directIndexQuery,
  priceIndexPoints,
  shapePriceIndex,
} from './price-index.js'
import { createRandom } from './prng.js'
import { refreshDemo } from './refresh.js'
import type { DemoDatabase, DemoTables } from './schema.js'
import { seedDemoData } from './seed.js'
import { WIDGETS, type QueryRunner } from './widgets.js'

// An integration test on a real embedded PGlite: the price index's cache scope must survive the
// refresh's inserts and still agree with the index computed afresh from every row.
describe('the price index rollup', () => {
  const companies = generateCompanies(50, 7)
  const random = createRandom(11)
  let db: DemoDatabase

  beforeAll(async () => {
    db = createDatabase<DemoTables>()
    await seedDemoData(db, { rows: 4_000, companies: 50, seed: 7 })
  }, 60_000)

  afterAll(async () => {
    await db.close()
  })

  const cachedRun: QueryRunner = (query) => db.cached(query, { ttl: '5m' })

  it('puts the cutoff on a Monday, an hour after the week ended', () => {
    const monday = Date.parse('2026-11-30T00:00:00.000Z')
    expect(closedWeeksCutoff(monday + CLOSED_WEEK_GRACE_MS).toISOString()).toBe(
      '2026-11-30T00:00:00.000Z',
    )
    // Within the grace hour the previous week still counts as open.
    expect(closedWeeksCutoff(monday + CLOSED_WEEK_GRACE_MS - 1).toISOString()).toBe(
      '2026-11-23T00:00:00.000Z',
    )
    expect(closedWeeksCutoff(Date.parse('2026-12-06T23:59:00.000Z')).getUTCDay()).toBe(1)
  })

  it('serves the closed weeks from the cache after a refresh insert, and they stay correct', async () => {
    const now = Date.now()
    await WIDGETS.priceIndex.compute(db.kysely, cachedRun, now)
    await refreshDemo(db, { companies, random, rows: 200, now: new Date(now) })

    const before = db.stats().cache
    const points = await priceIndexPoints(db.kysely, cachedRun, Date.now())
    const after = db.stats().cache
    // Two reads: the closed weeks (a hit: the insert did not touch the rollup) and the open
    // weeks (a miss: the insert wrote exactly those rows).
    expect(after.hits).toBe(before.hits + 1)
    expect(after.misses).toBe(before.misses + 1)

    const fresh = await directIndexQuery(db.kysely, closedWeeksCutoff(Date.now())).execute()
    expect(points).toEqual(fresh.map(({ sector, week, index }) => ({ sector, week, index })))
    const widget = shapePriceIndex(points)
    expect(widget.weeks.at(-1)).toBe(fresh.at(-1)!.week)
    expect(widget.sectors.length).toBeGreaterThan(0)
  })

  it('includes the rows the refresh just wrote in the open week', async () => {
    const now = Date.now()
    const open = (points: { week: string }[]) =>
      points.filter((point) => point.week >= closedWeeksCutoff(now).toISOString().slice(0, 10))
    const before = await priceIndexPoints(db.kysely, cachedRun, now)
    await refreshDemo(db, { companies, random, rows: 500, now: new Date(now) })
    const after = await priceIndexPoints(db.kysely, cachedRun, now)
    const fresh = await directIndexQuery(db.kysely, closedWeeksCutoff(now)).execute()
    expect(open(after)).toEqual(
      open(fresh.map(({ sector, week, index }) => ({ sector, week, index }))),
    )
    expect(open(after)).not.toEqual(open(before))
  })
})
