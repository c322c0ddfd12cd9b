import type { ApiProcess } from './api-process.js'

/**
 * What the demo dashboard page asks for on each refresh: the BI dashboard, two chart series and
 * the status panel.
 */
export const DASHBOARD_PAGE = [
  '/analytics/dashboard',
  '/analytics/history?series=system.cpu,cache.hitRate&window=10m',
  '/performance/status',
] as const

/**
 * The demo BI workload: `refreshes` page refreshes (every request of {@link DASHBOARD_PAGE}),
 * `concurrency` viewers at a time, no think time. The same for every process it is compared in.
 */
export async function runDemoWorkload(
  api: ApiProcess,
  { refreshes = 150, concurrency = 4 }: { refreshes?: number; concurrency?: number } = {},
): Promise<void> {
  let next = 0
  const viewer = async () => {
    while (next < refreshes) {
      next++
      for (const path of DASHBOARD_PAGE) await api.request('GET', path)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, viewer))
}

/** A number at `path` in a JSON value, or NaN when it is missing (the API changed shape). */
export function numberAt(value: unknown, ...path: string[]): number {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return Number.NaN
    current = (current as Record<string, unknown>)[key]
  }
  return typeof current === 'number' ? current : Number.NaN
}

/** Milliseconds one request takes, measured at the client (what a dashboard user waits). */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}
