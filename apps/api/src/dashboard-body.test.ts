import type { Optimizer } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { createDashboardBody, DASHBOARD_MAX_AGE_MS } from './dashboard-body.js'
import type { AnalyticsDashboard } from './demo/types.js'
import type { DemoWorkload } from './demo/workload.js'

/** An optimizer whose cache counters the test moves, and a workload counting its builds. */
function fixture() {
  const l1 = { sets: 0, deletes: 0, evictions: 0 }
  const optimizer = { cache: { stats: () => ({ l1 }) } } as unknown as Optimizer
  let builds = 0
  let priceRows = 100
  let clock = 0
  const workload = {
    dashboard: () => {
      builds++
      return Promise.resolve({
        generatedAt: new Date(builds).toISOString(),
        backend: 'pglite',
        widgets: { totals: { priceRows } },
        insights: { computedAt: null, newRows: 0, items: [] },
        timing: { ms: builds },
      } as unknown as AnalyticsDashboard)
    },
  } as unknown as DemoWorkload
  const bodyOf = createDashboardBody(optimizer, () => clock)
  return {
    l1,
    workload,
    bodyOf,
    builds: () => builds,
    setPriceRows: (rows: number) => (priceRows = rows),
    advance: (ms: number) => (clock += ms),
  }
}

describe('createDashboardBody', () => {
  it('serves one body while the cache generation stays put', async () => {
    const { workload, bodyOf, builds } = fixture()
    const first = await bodyOf(workload)
    expect(await bodyOf(workload)).toBe(first)
    expect(builds()).toBe(1)
  })

  it('shares one build between concurrent callers', async () => {
    const { workload, bodyOf, builds } = fixture()
    const [a, b] = await Promise.all([bodyOf(workload), bodyOf(workload)])
    expect(a).toBe(b)
    expect(builds()).toBe(1)
  })

  it('rebuilds once the cache changed, with a new ETag when the figures changed', async () => {
    const { l1, workload, bodyOf, builds, setPriceRows } = fixture()
    const first = await bodyOf(workload)
    l1.deletes++
    setPriceRows(300)
    const second = await bodyOf(workload)
    expect(builds()).toBe(2)
    expect(second.etag).not.toBe(first.etag)
  })

  it('keeps the bytes and ETag when a rebuild after the maximum age finds the same figures', async () => {
    const { workload, bodyOf, builds, advance } = fixture()
    const first = await bodyOf(workload)
    advance(DASHBOARD_MAX_AGE_MS)
    expect(await bodyOf(workload)).toBe(first)
    expect(builds()).toBe(2)
  })

  it('does not keep a body whose build wrote to the cache (a cold build)', async () => {
    const { l1, workload, bodyOf, builds } = fixture()
    const dashboard = workload.dashboard.bind(workload)
    let cold = true
    workload.dashboard = async () => {
      const result = await dashboard()
      if (cold) l1.sets += 5
      cold = false
      return result
    }
    const coldBody = await bodyOf(workload)
    const warmBody = await bodyOf(workload)
    expect(warmBody).not.toBe(coldBody)
    expect(await bodyOf(workload)).toBe(warmBody)
    expect(builds()).toBe(2)
  })
})
