import type { Cache } from '@bi-perf/cache'

/** What the demo workload measured. */
export interface WorkloadReport {
  requests: number
  coldMs: number
  cachedMedianMs: number
  loaderCalls: number
  concurrentCallers: number
  reloadedAfterInvalidation: boolean
}

interface SalesRow {
  region: string
  month: string
  revenue: number
}

/**
 * A dashboard that aggregates sales: the first request computes (as a database would, ~40 ms),
 * later ones are served from the cache; a burst of concurrent requests on a cold key shares one
 * computation; a write invalidates by tag and the next request sees the new figures.
 */
export async function simulateWorkload(cache: Cache): Promise<WorkloadReport> {
  const dashboard = cache.namespace('dashboard')
  let loaderCalls = 0
  let revenueBoost = 0
  const loadSales = async (): Promise<SalesRow[]> => {
    loaderCalls++
    await new Promise((resolve) => setTimeout(resolve, 40))
    return ['EMEA', 'AMER', 'APAC'].flatMap((region, r) =>
      Array.from({ length: 12 }, (_, m) => ({
        region,
        month: `2026-${String(m + 1).padStart(2, '0')}`,
        revenue: 10_000 * (r + 1) + m * 250 + revenueBoost,
      })),
    )
  }
  const request = () => dashboard.getOrSet('sales-by-region', loadSales, { tags: ['sales'] })

  let started = performance.now()
  await request()
  const coldMs = performance.now() - started

  const timings: number[] = []
  for (let i = 0; i < 2_000; i++) {
    started = performance.now()
    await request()
    timings.push(performance.now() - started)
  }
  timings.sort((a, b) => a - b)

  loaderCalls = 0
  const concurrentCallers = 100
  await Promise.all(
    Array.from({ length: concurrentCallers }, () =>
      dashboard.getOrSet('top-customers', loadSales, { tags: ['sales'] }),
    ),
  )
  const burstLoaderCalls = loaderCalls

  revenueBoost = 1_000_000
  await cache.invalidateTags(['sales'])
  const fresh = await request()

  return {
    requests: 2_000 + concurrentCallers + 2,
    coldMs,
    cachedMedianMs: timings[Math.floor(timings.length / 2)]!,
    loaderCalls: burstLoaderCalls,
    concurrentCallers,
    reloadedAfterInvalidation: fresh[0]!.revenue >= 1_000_000,
  }
}
