import { createRoute, z } from '@hono/zod-openapi'
import { streamMetrics } from '../http/metrics-stream.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import type { RouteDeps } from '../types.js'

/**
 * `GET /stream` (under `/performance`): Server-Sent Events, one `metrics` event per optimizer
 * sample (at most one a second) and a `: ping` comment every 15 s. Send the token in
 * `Authorization` (read the stream with fetch); there is no token query parameter.
 *
 * @example
 * app.route('/performance', streamRoutes(deps, shutdownSignal))
 */
export function streamRoutes(deps: RouteDeps, shutdown?: AbortSignal) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/stream',
      tags: ['performance'],
      summary: 'Live metrics as Server-Sent Events',
      description:
        'A `retry:` hint, then `event: metrics` with `data:` = the Metrics JSON and `id:` = its `at`, at most once a second; `: ping` comments every 15 s.',
      security: bearerSecurity,
      middleware: [deps.requireRole('viewer')] as const,
      responses: {
        200: {
          description: 'The event stream',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...protectedResponses,
      },
    }),
    (c) => streamMetrics(c, deps.optimizer, shutdown ? { shutdown } : {}),
  )
}
