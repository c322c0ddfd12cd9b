import type { Optimizer } from '@bi-perf/core'
import { cacheGeneration } from './cache-generation.js'
import type { AnalyticsDashboard } from './demo/types.js'
import type { DemoWorkload } from './demo/workload.js'
import { encodeJsonBody, type EncodedBody } from './http/encoded-body.js'

/**
 * How long a dashboard body is served without asking the query cache again. Entries that expire
 * unread and the minutes in `freshness[].ageMinutes` do not move {@link cacheGeneration}; a
 * rebuild at least this often catches them. A rebuild from cache hits costs about a millisecond,
 * and keeps the old bytes and ETag when the figures did not change.
 */
export const DASHBOARD_MAX_AGE_MS = 1_000

interface Kept {
  workload: DemoWorkload
  /** The cache generation the dashboard was built at. */
  generation: number
  builtAt: number
  /** Backend, widgets and insights as JSON: what the body says apart from when it was built. */
  figures: string
  body: EncodedBody
}

/**
 * The serialized `GET /analytics/dashboard` body, built once per change instead of once per
 * request. A body is kept only when it was built from cache hits alone (the cache generation did
 * not move while it was built), and served while the generation stays put and it is younger than
 * {@link DASHBOARD_MAX_AGE_MS}. So the first call after a cold start, a write or
 * `POST /performance/cache/clear` still shows which widgets missed, and the call after it is the
 * steady state that is kept. A rebuild whose figures equal the kept body's keeps that body, its
 * `generatedAt` and its ETag. Concurrent callers share one build.
 *
 * The body does not depend on who asks (every viewer sees the same dashboard), so one body serves
 * every principal; the route's auth runs before this is consulted.
 *
 * @example
 * const dashboardBody = createDashboardBody(optimizer)
 * return sendEncodedBody(c, await dashboardBody(workload))
 */
export function createDashboardBody(
  optimizer: Optimizer,
  now: () => number = Date.now,
): (workload: DemoWorkload) => Promise<EncodedBody> {
  let kept: Kept | undefined
  let building:
    { workload: DemoWorkload; generation: number; body: Promise<EncodedBody> } | undefined

  const build = async (workload: DemoWorkload, generation: number): Promise<EncodedBody> => {
    const dashboard = await workload.dashboard()
    const figures = figuresOf(dashboard)
    const steady = cacheGeneration(optimizer) === generation
    if (!steady) {
      kept = undefined
      return encodeJsonBody(JSON.stringify(dashboard))
    }
    const same = kept?.workload === workload && kept.figures === figures
    const body = same && kept ? kept.body : encodeJsonBody(JSON.stringify(dashboard))
    kept = { workload, generation, builtAt: now(), figures, body }
    return body
  }

  return (workload) => {
    const generation = cacheGeneration(optimizer)
    if (
      kept?.workload === workload &&
      kept.generation === generation &&
      now() - kept.builtAt < DASHBOARD_MAX_AGE_MS
    ) {
      return Promise.resolve(kept.body)
    }
    // Join a build only when it started from the cache as it is now: one that began before a
    // write could answer with figures the write has replaced.
    if (building?.workload === workload && building.generation === generation) {
      return building.body
    }
    const started = {
      workload,
      generation,
      body: build(workload, generation).finally(() => {
        if (building === started) building = undefined
      }),
    }
    building = started
    return started.body
  }
}

function figuresOf(dashboard: AnalyticsDashboard): string {
  return JSON.stringify([dashboard.backend, dashboard.widgets, dashboard.insights])
}
