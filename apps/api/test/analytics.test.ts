import { randomUUID } from 'node:crypto'
import type { Optimizer } from '@bi-perf/core'
import { sql } from 'kysely'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { DemoDatabase } from '../src/demo/schema.js'
import type { AnalyticsDashboard } from '../src/demo/types.js'
import {
  REFRESH_TASK,
  startDemoWorkload,
  type DemoWorkload,
  type DemoWorkloadOptions,
} from '../src/demo/workload.js'
import {
  postgresUrl,
  bearer,
  hsToken,
  makeApp,
  readError,
  silentLogger,
  stopAll,
  waitFor,
} from './helpers.js'

const workloads: DemoWorkload[] = []
afterEach(async () => {
  for (const workload of workloads.splice(0)) await workload.close()
})
afterAll(stopAll)

async function start(optimizer: Optimizer, options: DemoWorkloadOptions = {}) {
  const workload = await startDemoWorkload(optimizer, silentLogger(), {
    dataset: { rows: 30_000 },
    refreshInterval: '1h',
    ...options,
  })
  workloads.push(workload)
  return workload
}

/** An app serving a demo workload started on its optimizer; the workload closes after the test. */
async function makeDemoApp(options: DemoWorkloadOptions = {}) {
  const made = await makeApp({ demo: (optimizer) => start(optimizer, options) })
  return { ...made, workload: made.demo! }
}

async function getDashboard(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  token: string,
) {
  const response = await app.request('/analytics/dashboard', { headers: bearer(token) })
  expect(response.status).toBe(200)
  return (await response.json()) as AnalyticsDashboard
}

describe('GET /analytics/dashboard on PGlite', () => {
  it('answers 503 E_DEMO_SEEDING with Retry-After until the dataset is loaded', async () => {
    // The full-size dataset: the load yields to the event loop between slices, so requests are
    // answered while it runs.
    const { app, secret, workload } = await makeDemoApp({ dataset: {} })
    const token = await hsToken(secret)
    expect(workload.state).toBe('seeding')
    const response = await app.request('/analytics/dashboard', { headers: bearer(token) })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('2')
    expect((await readError(response)).code).toBe('E_DEMO_SEEDING')
    expect(await workload.ready).toBe('ready')
  }, 60_000)

  it('answers 404 E_DEMO_DISABLED when no demo workload runs', async () => {
    const { app, secret } = await makeApp()
    const response = await app.request('/analytics/dashboard', {
      headers: bearer(await hsToken(secret)),
    })
    expect(response.status).toBe(404)
    expect((await readError(response)).code).toBe('E_DEMO_DISABLED')
  })

  it('needs a token', async () => {
    const { app } = await makeApp()
    const response = await app.request('/analytics/dashboard')
    expect(response.status).toBe(401)
  })

  it('builds every widget cold, then serves the second call from the query cache', async () => {
    const { app, optimizer, secret, workload } = await makeDemoApp()
    const token = await hsToken(secret)
    await workload.ready

    const first = await getDashboard(app, token)
    expect(first.backend).toBe('pglite')
    expect(first.widgets.totals).toMatchObject({
      companies: 500,
      companiesPriced: 500,
      priceRows: 30_000,
    })
    expect(first.widgets.priceIndex.weeks.length).toBeGreaterThanOrEqual(13)
    expect(first.widgets.priceIndex.sectors).toHaveLength(10)
    for (const sector of first.widgets.priceIndex.sectors) {
      expect(sector.index).toHaveLength(first.widgets.priceIndex.weeks.length)
      expect(sector.latest).toBeGreaterThan(80)
      expect(sector.latest).toBeLessThan(120)
    }
    expect(first.widgets.topMovers).toHaveLength(10)
    expect(Math.abs(first.widgets.topMovers[0]!.changePct)).toBeGreaterThan(5)
    expect(first.widgets.freshness.map((f) => f.source).sort()).toEqual([
      'manual-upload',
      'marketplace-api',
      'partner-feed',
      'shop-crawler',
    ])
    expect(first.widgets.companiesByCountry.reduce((sum, c) => sum + c.companies, 0)).toBe(500)
    expect(first.insights.computedAt).not.toBeNull()
    expect(first.insights.items.map((i) => i.id)).toContain('stale-source')
    expect(Object.values(first.timing.cached)).toEqual([false, false, false, false, false])

    const hitsBefore = optimizer.db!.stats().cache.hits
    const second = await getDashboard(app, token)
    expect(Object.values(second.timing.cached)).toEqual([true, true, true, true, true])
    expect(second.widgets.priceIndex).toEqual(first.widgets.priceIndex)
    expect(optimizer.db!.stats().cache.hits).toBeGreaterThanOrEqual(hitsBefore + 5)

    // The bench's way to a cold dashboard: clear the results tagged `demo`.
    expect(await optimizer.clearCache({ tags: ['demo'] })).toBeGreaterThan(0)
    const third = await getDashboard(app, token)
    expect(Object.values(third.timing.cached)).toEqual([false, false, false, false, false])
  })

  it('recomputes after the refresh-insights task wrote new rows', async () => {
    const { app, optimizer, secret, workload } = await makeDemoApp({ refreshRows: 200 })
    const token = await hsToken(secret)
    await workload.ready
    const before = await getDashboard(app, token)
    expect((await getDashboard(app, token)).timing.cached.totals).toBe(true)

    let completed = 0
    optimizer.tasks!.on('completed', (event) => {
      if (event.name === REFRESH_TASK) completed++
    })
    await optimizer.tasks!.enqueue(REFRESH_TASK, {})
    await waitFor(() => completed === 1, { timeoutMs: 15_000 })

    const after = await getDashboard(app, token)
    expect(after.widgets.totals.priceRows).toBe(before.widgets.totals.priceRows + 200)
    expect(after.timing.cached.totals).toBe(false)
    expect(after.timing.cached.companiesByCountry).toBe(true) // its table was not written
    expect(after.insights.newRows).toBe(200)
    expect(Date.parse(after.insights.computedAt!)).toBeGreaterThan(
      Date.parse(before.insights.computedAt!),
    )
  })

  it('stops refreshing on close, twice without error', async () => {
    const { optimizer, workload } = await makeDemoApp({ refreshInterval: 50 })
    await workload.ready
    const db = optimizer.db as DemoDatabase
    const count = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from demo_prices`.execute(db.kysely))
          .rows[0]!.n,
      )
    const seeded = await count()
    await waitFor(async () => (await count()) > seeded, { timeoutMs: 15_000 })
    await workload.close()
    await workload.close()
    const closed = await count()
    // Several intervals later nothing new arrived.
    const deadline = Date.now() + 300
    while (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await count()).toBe(closed)
  })
})

describe('GET /analytics/history', () => {
  it('returns the recent points of chart series', async () => {
    const { app, optimizer, secret } = await makeApp()
    await waitFor(() => optimizer.history('system.cpu', 60_000).length > 0, { timeoutMs: 10_000 })
    const response = await app.request(
      '/analytics/history?series=system.cpu,db.pool.saturation&window=1m',
      {
        headers: bearer(await hsToken(secret)),
      },
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      windowMs: number
      series: Record<string, { at: number; value: number }[]>
    }
    expect(body.windowMs).toBe(60_000)
    expect(Object.keys(body.series).sort()).toEqual(['db.pool.saturation', 'system.cpu'])
    expect(body.series['system.cpu']!.length).toBeGreaterThan(0)
  })

  it('rejects an unknown series and a window over an hour with 400', async () => {
    const { app, secret } = await makeApp()
    const headers = bearer(await hsToken(secret))
    const unknown = await app.request('/analytics/history?series=system.cpu,nope', { headers })
    expect(unknown.status).toBe(400)
    expect((await readError(unknown)).message).toContain('nope')
    const long = await app.request('/analytics/history?series=system.cpu&window=2h', { headers })
    expect(long.status).toBe(400)
  })
})

describe('the demo workload on PostgreSQL', () => {
  it('stays off without demo tables, and runs on tables seeded before without seeding', async () => {
    const schema = `demo_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    const url = new URL(postgresUrl())
    url.searchParams.set('options', `-c search_path=${schema}`)
    const config = { database: { url: url.toString() } }
    const { optimizer, secret } = await makeApp({ config })
    const token = await hsToken(secret)
    // One app per workload, as a server gets its workload when it builds the app.
    const serving = async (workload: DemoWorkload) =>
      (await makeApp({ config, optimizer, secret, demo: () => Promise.resolve(workload) })).app
    const db = optimizer.db as DemoDatabase
    await sql`create schema ${sql.id(schema)}`.execute(db.kysely)
    try {
      const absent = await start(optimizer)
      expect(await absent.ready).toBe('absent')
      expect(
        (await (await serving(absent)).request('/analytics/dashboard', { headers: bearer(token) }))
          .status,
      ).toBe(404)
      await absent.close()

      const seeding = await start(optimizer, { seeding: 'always' })
      expect(await seeding.ready).toBe('ready')
      expect(seeding.seed).toMatchObject({ seeded: true, method: 'copy', priceRows: 30_000 })
      await seeding.close()

      const reused = await start(optimizer)
      const app = await serving(reused)
      expect(await reused.ready).toBe('ready')
      expect(reused.seed).toBeUndefined()
      const first = await getDashboard(app, token)
      expect(first.backend).toBe('postgres')
      expect(first.widgets.totals.priceRows).toBe(30_000)
      const second = await getDashboard(app, token)
      expect(Object.values(second.timing.cached)).toEqual([true, true, true, true, true])

      await reused.refresh()
      const third = await getDashboard(app, token)
      expect(third.widgets.totals.priceRows).toBe(30_200)
      expect(third.timing.cached.totals).toBe(false)
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(db.kysely)
    }
  })
})
