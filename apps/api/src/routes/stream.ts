import { createRoute, z } from '@hono/zod-openapi'
import { createMetricsFeed } from '../http/metrics-feed.js'
import { streamMetrics } from '../http/metrics-stream.js'
import { errorResponse } from '../http/errors.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { callerId } from '../http/rate-limit.js'
import { createRouter } from '../http/router.js'
import { createStreamSlots } from '../http/stream-slots.js'
import type { RouteDeps } from '../types.js'

/**
 * `GET /stream` (under `/performance`): Server-Sent Events, one `metrics` event per optimizer
 * sample (at most one a second) and a `: ping` comment every 15 s. Send the token in
 * `Authorization` (read the stream with fetch); there is no token query parameter. Each token
 * subject and role holds at most `server.rateLimit.streams` streams open on this instance; one
 * more is a 429 `E_API_TOO_MANY_STREAMS`. Every stream shares one optimizer listener.
 *
 * @example
 * app.route('/performance', streamRoutes(deps, shutdownSignal))
 */
export function streamRoutes(deps: RouteDeps, shutdown?: AbortSignal) {
  const feed = createMetricsFeed(deps.optimizer, shutdown)
  const slots = createStreamSlots(deps.config.server.rateLimit.streams)
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/stream',
      tags: ['performance'],
      summary: 'Live metrics as Server-Sent Events',
      description:
        'A `retry:` hint, then `event: metrics` with `data:` = the Metrics JSON and `id:` = its `at`, at most once a second; `: ping` comments every 15 s. A token (subject and role) holds at most `server.rateLimit.streams` streams open per instance (default 5); one more is a 429 `E_API_TOO_MANY_STREAMS`.',
      security: bearerSecurity,
      middleware: [deps.requireRole('viewer')] as const,
      responses: {
        200: {
          description: 'The event stream',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...protectedResponses,
        429: errorResponse(
          'Rate limit reached (E_API_RATE_LIMITED, see Retry-After), or the token holds its most open streams already (E_API_TOO_MANY_STREAMS)',
        ),
      },
    }),
    (c) => streamMetrics(c, feed, { onClose: slots.take(callerId(c)) }),
  )
}
