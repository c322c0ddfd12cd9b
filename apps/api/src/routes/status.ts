import { hostname } from 'node:os'
import { createRoute, z } from '@hono/zod-openapi'
import { memoizeBody } from '../http/encoded-body.js'
import { createRouter } from '../http/router.js'
import { errorResponse } from '../http/errors.js'
import { sendEncodedBody } from '../http/send-encoded-body.js'
import {
  bearerSecurity,
  cachedBodyDescription,
  notModifiedResponse,
  protectedResponses,
} from '../http/openapi-responses.js'
import { MetricsSchema, PRIORITIES, RecommendationsSchema, StatusSchema } from '../schemas.js'
import { memoizedStatus } from '../status-snapshot.js'
import type { RouteDeps } from '../types.js'
import { version } from '../version.js'

/**
 * `GET /status`, `/metrics` and `/recommendations` (mounted under `/performance`), all answered
 * from the optimizer's latest samples: no system call on the request path.
 *
 * @example
 * app.route('/performance', statusRoutes(deps))
 */
export function statusRoutes(deps: RouteDeps) {
  const viewer = deps.requireRole('viewer')
  const instance = `${hostname()}:${process.pid}`
  const status = memoizedStatus(deps.optimizer)
  // One serialization per status snapshot (at most ten a second), whoever asks: the body names
  // no caller.
  // The dashboard names it in its empty charts: one sample alone does not tell the spacing.
  const { monitor } = deps.config
  const sampleIntervalMs = monitor.enabled ? monitor.interval : 1_000
  const statusBody = memoizeBody((snapshot: ReturnType<typeof status>) =>
    JSON.stringify({ ...snapshot, instance, version, sampleIntervalMs }),
  )

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/status',
        tags: ['performance'],
        summary: 'Health of every component, profile and uptime',
        security: bearerSecurity,
        middleware: [viewer] as const,
        responses: {
          200: {
            description: cachedBodyDescription('Status'),
            content: { 'application/json': { schema: StatusSchema } },
          },
          304: notModifiedResponse,
          ...protectedResponses,
        },
      }),
      (c) => sendEncodedBody(c, statusBody(status())),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/metrics',
        tags: ['performance'],
        summary: "Every running component's figures, from the latest samples",
        security: bearerSecurity,
        middleware: [viewer] as const,
        responses: {
          200: {
            description: 'Metrics',
            content: { 'application/json': { schema: MetricsSchema } },
          },
          ...protectedResponses,
        },
      }),
      (c) => c.json(deps.optimizer.metrics() as unknown as z.infer<typeof MetricsSchema>, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/recommendations',
        tags: ['performance'],
        summary: 'What to change, with evidence, critical first; and time-to-exhaustion forecasts',
        security: bearerSecurity,
        middleware: [viewer] as const,
        request: {
          query: z.object({
            priority: z
              .enum(PRIORITIES)
              .optional()
              .openapi({ description: 'Only this priority and above', example: 'high' }),
          }),
        },
        responses: {
          200: {
            description: 'Recommendations',
            content: { 'application/json': { schema: RecommendationsSchema } },
          },
          400: errorResponse('Unknown priority'),
          ...protectedResponses,
        },
      }),
      (c) => {
        const { priority } = c.req.valid('query')
        return c.json(
          {
            recommendations: deps.optimizer.recommendations(priority ? { priority } : {}),
            forecasts: deps.optimizer.forecasts(),
          },
          200,
        )
      },
    )
}
