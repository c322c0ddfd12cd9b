import { readDuration } from '@bi-perf/internal'
import { createRoute, z } from '@hono/zod-openapi'
import { AnalyticsDashboardSchema, HistorySchema } from '../demo/dashboard-schema.js'
import { createDashboardBody } from '../dashboard-body.js'
import { errorResponse, HttpError } from '../http/errors.js'
import {
  bearerSecurity,
  cachedBodyDescription,
  notModifiedResponse,
  protectedResponses,
} from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import { sendEncodedBody } from '../http/send-encoded-body.js'
import type { RouteDeps } from '../types.js'

/** History series the dashboard charts; `GET /analytics/history` serves these. */
export const CHART_SERIES = [
  'system.cpu',
  'system.memoryUsedPercent',
  'system.loopDelayP99Ms',
  'memory.heapRatio',
  'cache.hitRate',
  'cache.lookups',
  'cache.l2.p99Ms',
  'db.queryCache.hitRate',
  'db.pool.saturation',
  'db.pool.waiting',
  'db.queries.perSecond',
  'tasks.backlog',
  'tasks.concurrency',
] as const

/** The longest history window served; the optimizer keeps at least 15 minutes. */
const MAX_WINDOW_MS = 60 * 60_000

/**
 * `GET /dashboard` (the demo BI dashboard from cached aggregate queries) and `GET /history`
 * (recent points of the chart series, so the live page starts with a filled chart), mounted
 * under `/analytics` behind the viewer role.
 *
 * The dashboard needs the demo workload (`startDemoWorkload`, passed as `createApp({ demo })`):
 * without one it answers 404 `E_DEMO_DISABLED`, while it seeds 503 `E_DEMO_SEEDING` with
 * `Retry-After`.
 *
 * @example
 * app.route('/analytics', analyticsRoutes(deps))
 */
export function analyticsRoutes(deps: RouteDeps) {
  const dashboardBody = createDashboardBody(deps.optimizer)
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/dashboard',
        tags: ['analytics'],
        summary: 'Demo BI dashboard: cached aggregates, timing per widget, insights',
        security: bearerSecurity,
        responses: {
          200: {
            description: cachedBodyDescription(
              'The dashboard, rebuilt when the query cache changed or after 1 s, otherwise the same bytes',
            ),
            content: { 'application/json': { schema: AnalyticsDashboardSchema } },
          },
          304: notModifiedResponse,
          404: errorResponse('The demo workload does not run on this server (E_DEMO_DISABLED)'),
          503: errorResponse('The demo dataset is still seeding (E_DEMO_SEEDING) or failed'),
          ...protectedResponses,
        },
      }),
      async (c) => {
        const workload = deps.demo
        switch (workload?.state) {
          case 'ready':
            return sendEncodedBody(c, await dashboardBody(workload))
          case 'seeding':
            throw new HttpError(
              503,
              'E_DEMO_SEEDING',
              'the demo dataset is still being seeded; retry in a few seconds',
              undefined,
              { 'Retry-After': '2' },
            )
          case 'failed':
            throw new HttpError(
              503,
              'E_DEMO_FAILED',
              'the demo dataset failed to load; see the server log',
            )
          default:
            throw new HttpError(
              404,
              'E_DEMO_DISABLED',
              'the demo workload does not run on this server (it starts when no DATABASE_URL is set)',
            )
        }
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/history',
        tags: ['analytics'],
        summary: 'Recent points of metric series, for charts',
        security: bearerSecurity,
        request: {
          query: z.strictObject({
            series: z
              .string()
              .max(1_000)
              .openapi({
                description: `Comma-separated series names: ${CHART_SERIES.join(', ')}`,
                example: 'system.cpu,cache.hitRate',
              }),
            window: z.string().max(16).optional().openapi({
              description: "How far back, e.g. '10m' or 600000 (ms); at most 1h",
              example: '10m',
            }),
          }),
        },
        responses: {
          200: {
            description: 'Points per series',
            content: { 'application/json': { schema: HistorySchema } },
          },
          400: errorResponse('Unknown series or bad window'),
          ...protectedResponses,
        },
      }),
      (c) => {
        const query = c.req.valid('query')
        const names = [...new Set(query.series.split(',').map((name) => name.trim()))]
        const unknown = names.filter((name) => !(CHART_SERIES as readonly string[]).includes(name))
        if (unknown.length > 0 || names.length === 0) {
          throw new HttpError(
            400,
            'E_API_VALIDATION',
            `unknown series: ${unknown.join(', ') || '(none)'}`,
            [{ path: 'query.series', rule: `each name must be one of ${CHART_SERIES.join(', ')}` }],
          )
        }
        const raw = query.window ?? '10m'
        const window = readDuration(/^\d+$/.test(raw) ? Number(raw) : raw)
        if ('rule' in window || window.ms > MAX_WINDOW_MS) {
          throw new HttpError(400, 'E_API_VALIDATION', 'invalid window', [
            { path: 'query.window', rule: 'a duration such as 10m or milliseconds, at most 1h' },
          ])
        }
        const series: Record<string, { at: number; value: number }[]> = {}
        for (const name of names) series[name] = deps.optimizer.history(name, window.ms)
        return c.json({ windowMs: window.ms, series }, 200)
      },
    )
}
