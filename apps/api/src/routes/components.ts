import { ComponentDisabledError } from '@bi-perf/core'
import { createRoute } from '@hono/zod-openapi'
import { errorResponse, HttpError, taskOutageResponse } from '../http/errors.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import {
  CacheStatsSchema,
  ClearCacheBodySchema,
  ClearCacheResultSchema,
  DatabaseStatsSchema,
  TaskQueueStatusSchema,
} from '../schemas.js'
import type { RouteDeps } from '../types.js'

const disabled = errorResponse(
  'The component is disabled in this configuration (E_CORE_COMPONENT_DISABLED)',
)

/**
 * The per-component routes under `/performance`: `GET /cache/stats`, `POST /cache/clear` (admin),
 * `GET /database/stats`, `GET /tasks/status`. Stats come from the latest sample; a disabled
 * component answers 409.
 *
 * @example
 * app.route('/performance', componentRoutes(deps))
 */
export function componentRoutes(deps: RouteDeps) {
  const viewer = deps.requireRole('viewer')
  const { optimizer } = deps

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/cache/stats',
        tags: ['cache'],
        summary: 'Cache hit rate, tiers, compression and breaker',
        security: bearerSecurity,
        middleware: [viewer] as const,
        responses: {
          200: {
            description: 'CacheStats',
            content: { 'application/json': { schema: CacheStatsSchema } },
          },
          409: disabled,
          ...protectedResponses,
        },
      }),
      (c) =>
        c.json(
          present(optimizer.cache, () => optimizer.metrics().cache, 'cache'),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/cache/clear',
        tags: ['cache'],
        summary: 'Remove cache entries by key pattern or tags (all of them with an empty body)',
        security: bearerSecurity,
        middleware: [deps.requireRole('admin')] as const,
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: ClearCacheBodySchema } },
          },
        },
        responses: {
          200: {
            description: 'Keys removed',
            content: { 'application/json': { schema: ClearCacheResultSchema } },
          },
          400: errorResponse('A field has the wrong type or an unknown key was sent'),
          409: disabled,
          413: errorResponse('Body larger than server.bodyLimit'),
          ...protectedResponses,
        },
      }),
      async (c) => {
        const body = c.req.valid('json')
        const removed = await optimizer.clearCache({
          ...(body.pattern !== undefined ? { pattern: body.pattern } : {}),
          ...(body.tags !== undefined ? { tags: body.tags } : {}),
        })
        deps.logger.info({ removed, by: c.get('auth')?.subject }, 'cache cleared')
        return c.json({ removed }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/database/stats',
        tags: ['database'],
        summary: 'Pool, query counts and query-cache figures',
        security: bearerSecurity,
        middleware: [viewer] as const,
        responses: {
          200: {
            description: 'DatabaseStats',
            content: { 'application/json': { schema: DatabaseStatsSchema } },
          },
          409: disabled,
          ...protectedResponses,
        },
      }),
      (c) =>
        c.json(
          present(optimizer.db, () => optimizer.metrics().db, 'db'),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/tasks/status',
        tags: ['tasks'],
        summary: 'Queue counts, throughput and worker concurrency',
        security: bearerSecurity,
        middleware: [viewer] as const,
        responses: {
          200: {
            description:
              'TaskQueueStatus: counts from the latest sample, `availability` (is Redis reachable, the breaker) read now',
            content: { 'application/json': { schema: TaskQueueStatusSchema } },
          },
          409: disabled,
          503: taskOutageResponse(
            'No sample yet: the optimizer is starting (E_API_UNAVAILABLE), or Redis has been away since it started (E_TASKS_UNAVAILABLE)',
          ),
          ...protectedResponses,
        },
      }),
      (c) => {
        const tasks = optimizer.tasks
        const availability = tasks?.availability()
        if (tasks && availability && !availability.available && !optimizer.metrics().tasks) {
          // Never read since start-up: say why, rather than "starting" for as long as Redis is away.
          throw new HttpError(
            503,
            'E_TASKS_UNAVAILABLE',
            'the task queue is unavailable (Redis unreachable); no status has been read yet',
            { availability },
            { 'Retry-After': '1' },
          )
        }
        return c.json(
          present(tasks, () => optimizer.metrics().tasks, 'tasks'),
          200,
        )
      },
    )
}

/**
 * The latest stats of a component: a disabled one is core's ComponentDisabledError (409); an
 * enabled one without a sample yet (the optimizer is starting) is a 503.
 */
function present<T extends object>(
  component: unknown,
  read: () => T | undefined,
  name: string,
): Record<string, unknown> {
  if (component === undefined) throw new ComponentDisabledError(name)
  const stats = read()
  if (stats === undefined)
    throw new HttpError(
      503,
      'E_API_UNAVAILABLE',
      `no ${name} sample yet; the optimizer is starting`,
    )
  return stats as unknown as Record<string, unknown>
}
