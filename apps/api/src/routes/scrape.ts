import { randomUUID } from 'node:crypto'
import { ComponentDisabledError, type Optimizer } from '@bi-perf/core'
import type { Database } from '@bi-perf/db'
import { createRoute, z } from '@hono/zod-openapi'
import {
  ensureScrapeTables,
  readScrapeProgress,
  SCRAPE_TASK,
  scrapeTaskId,
  type ScrapeProgress,
  type ScrapeTaskData,
} from '../demo/scrape.js'
import { errorResponse, taskOutage, taskOutageResponse } from '../http/errors.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import type { RouteDeps } from '../types.js'

/**
 * Tasks handed to the queue in one `enqueueMany` (one BullMQ `addBulk`, one round trip). Each
 * call must be answered within `tasks.commandTimeout` (500 ms): 500 tasks per call did not make
 * it on a loaded Redis Cluster with workers draining it, 100 do with room to spare.
 */
const ENQUEUE_CHUNK = 100
/** How long a batch's progress is served from the cache unless `fresh=true`. */
const PROGRESS_TTL = '30s'
/** Tag of every cached progress: `POST /performance/cache/clear {"tags":["scrape"]}` drops them. */
export const SCRAPE_CACHE_TAG = 'scrape'

const BATCH_ID_RULE = '1 to 64 letters, digits, "_" and "-"'
const batchId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: `must be ${BATCH_ID_RULE}` })
  .openapi({ description: `Batch id: ${BATCH_ID_RULE}`, example: 'prices-2026-06-01' })

const EnqueueBodySchema = z
  .strictObject({
    count: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .openapi({ description: 'Tasks to enqueue, 1 to 10 000', example: 1000 }),
    batchId: batchId.optional(),
    start: z.number().int().min(1).max(1_000_000).optional().openapi({
      description:
        'Number of the first task (default 1): several requests can fill one batch, e.g. 1–2500 through one instance and 2501–5000 through another',
      example: 1,
    }),
  })
  .openapi('ScrapeEnqueueRequest')

const EnqueueResultSchema = z
  .object({
    batchId: z.string(),
    enqueued: z.number().openapi({
      description:
        'Tasks handed to the queue; ids are `<batchId>-<n>`, so tasks the queue still knows are not added twice',
    }),
  })
  .openapi('ScrapeEnqueueResult')

const ProgressSchema = z
  .object({
    batchId: z.string(),
    done: z.number().openapi({ description: 'Distinct tasks whose result is stored' }),
    runs: z
      .number()
      .openapi({ description: 'Handler runs; above `done` when tasks ran more than once' }),
    cached: z.boolean().openapi({ description: 'Answered from the cache (at most 30 s old)' }),
  })
  .openapi('ScrapeProgress')

/**
 * The scrape demo under `/analytics`: `POST /scrape` (admin) enqueues `count` `scrape-price`
 * tasks with deterministic ids, `GET /scrape/{batchId}` (viewer) reports how many completed and
 * how many runs that took, from the database. Progress is cached for 30 s under the `scrape`
 * tag (so instances share one read, and a cache clear on one instance shows on all);
 * `?fresh=true` reads the tables.
 *
 * @example
 * app.route('/analytics', scrapeRoutes(deps))
 */
export function scrapeRoutes(deps: RouteDeps) {
  const { optimizer } = deps
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/scrape',
        tags: ['analytics'],
        summary: 'Enqueue a batch of scrape-price tasks (admin)',
        security: bearerSecurity,
        middleware: [deps.requireRole('admin')] as const,
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: EnqueueBodySchema } },
          },
        },
        responses: {
          202: {
            description: 'The tasks are queued',
            content: { 'application/json': { schema: EnqueueResultSchema } },
          },
          400: errorResponse('A field is missing, out of range or unknown'),
          409: errorResponse(
            'The task queue or the database is disabled (E_CORE_COMPONENT_DISABLED)',
          ),
          503: taskOutageResponse(
            "The task queue's Redis is away: E_TASKS_UNAVAILABLE (the failed tasks were not queued) or E_TASKS_ENQUEUE_UNCERTAIN (they may or may not be). details has the batchId, how many tasks were queued before, and the failed task ids; POST the same body with that batchId after Retry-After seconds: tasks already queued are not added twice",
          ),
          ...protectedResponses,
        },
      }),
      async (c) => {
        const { tasks, db } = components(optimizer)
        const body = c.req.valid('json')
        const id = body.batchId ?? randomUUID()
        const start = body.start ?? 1
        // Tables first: an instance that reads progress right after must find them.
        await ensureScrapeTables(db)
        let enqueued = 0
        for (let from = 0; from < body.count; from += ENQUEUE_CHUNK) {
          const chunk: { name: string; data: ScrapeTaskData; options: { id: string } }[] = []
          for (let i = from; i < Math.min(body.count, from + ENQUEUE_CHUNK); i++) {
            const n = start + i
            chunk.push({
              name: SCRAPE_TASK,
              data: { batchId: id, n },
              options: { id: scrapeTaskId(id, n) },
            })
          }
          try {
            enqueued += (await tasks.enqueueMany(chunk)).length
          } catch (error) {
            throw (
              taskOutage(
                error,
                { batchId: id, start, count: body.count, queued: enqueued },
                ({ uncertain, seconds }) =>
                  `the task queue is ${uncertain ? 'not answering' : 'unavailable'} (Redis away): ${enqueued} of ${body.count} tasks were queued, the next ${chunk.length} ${uncertain ? 'may or may not be' : 'were not'}; POST the same body with batchId "${id}" in ${seconds} s, tasks already queued are not added twice`,
              ) ?? error
            )
          }
        }
        return c.json({ batchId: id, enqueued }, 202)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/scrape/{batchId}',
        tags: ['analytics'],
        summary: 'Progress of a scrape batch: distinct results and handler runs',
        security: bearerSecurity,
        request: {
          params: z.object({
            batchId: batchId.openapi({ param: { name: 'batchId', in: 'path' } }),
          }),
          query: z.strictObject({
            fresh: z
              .enum(['true', 'false'])
              .optional()
              .openapi({ description: 'true: read the tables, not the cache', example: 'true' }),
          }),
        },
        responses: {
          200: {
            description: 'The progress',
            content: { 'application/json': { schema: ProgressSchema } },
          },
          400: errorResponse('Bad batch id'),
          409: errorResponse('The database is disabled (E_CORE_COMPONENT_DISABLED)'),
          ...protectedResponses,
        },
      }),
      async (c) => {
        const { batchId: id } = c.req.valid('param')
        const fresh = c.req.valid('query').fresh === 'true'
        const db = optimizer.db as Database<unknown> | undefined
        if (!db) throw new ComponentDisabledError('db')
        const cache = optimizer.cache
        const key = `scrape:progress:${id}`
        if (cache && !fresh) {
          const hit = await cache.get<ScrapeProgress>(key)
          if (hit !== undefined) return c.json({ batchId: id, ...hit, cached: true }, 200)
        }
        const progress = await readScrapeProgress(db, id)
        await cache?.set(key, progress, { ttl: PROGRESS_TTL, tags: [SCRAPE_CACHE_TAG] })
        return c.json({ batchId: id, ...progress, cached: false }, 200)
      },
    )
}

function components(optimizer: Optimizer) {
  const tasks = optimizer.tasks
  if (!tasks) throw new ComponentDisabledError('tasks')
  const db = optimizer.db as Database<unknown> | undefined
  if (!db) throw new ComponentDisabledError('db')
  return { tasks, db }
}
