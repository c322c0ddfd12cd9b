import { z } from '@hono/zod-openapi'
import { HttpError } from '../errors.js'

export { HttpError } from '../errors.js'
export type { HttpErrorStatus } from '../errors.js'

/** The body of every non-2xx response. */
export interface ErrorBody {
  error: {
    /** Stable code, e.g. `E_API_VALIDATION` or `E_CORE_UNKNOWN_PROFILE`. */
    code: string
    /** What was wrong, for people; never a stack trace or an internal message. */
    message: string
    /** Machine-readable context, when there is any. */
    details?: unknown
  }
}

/**
 * Builds the one error body shape of the API.
 *
 * @example
 * return c.json(errorBody('E_API_NOT_FOUND', 'no route GET /nope'), 404)
 */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details } }
}

/** The error body as an OpenAPI schema, for the `responses` of a route. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'E_API_VALIDATION' }),
      message: z.string().openapi({ example: 'invalid request: query.priority' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error')

/** An error response entry for `createRoute({ responses })`. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorSchema } } }
}

/** The codes of @bi-perf/tasks for "Redis is away": nothing was sent, or the answer was lost. */
const TASK_OUTAGE_CODES = new Set(['E_TASKS_UNAVAILABLE', 'E_TASKS_ENQUEUE_UNCERTAIN'])
/** Task ids listed in a body at most; `details.taskCount` gives the full number. */
const MAX_LISTED_IDS = 100

/**
 * A task queue outage (`E_TASKS_UNAVAILABLE`, `E_TASKS_ENQUEUE_UNCERTAIN`) as a 503 with
 * `Retry-After` in whole seconds, its code kept, and the task ids in `details.taskIds`; anything
 * else is `undefined`. Matched on the stable `code`, so two copies of the package agree. The
 * message is ours: the package's names the Redis failure, which is not the caller's business.
 *
 * @param context extra `details` (what the route knows: a batch id…)
 * @param describe the message, when the route can say more (what it had queued before)
 * @example
 * const outage = taskOutage(error, { batchId })
 * if (outage) throw outage
 */
export function taskOutage(
  error: unknown,
  context: Record<string, unknown> = {},
  describe?: (outage: { uncertain: boolean; seconds: number }) => string,
): HttpError | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string')
    return undefined
  if (!TASK_OUTAGE_CODES.has(error.code)) return undefined
  const fields = error as Error & { code: string; taskIds?: unknown; retryAfterMs?: unknown }
  const hint = fields.retryAfterMs
  const retryAfterMs = typeof hint === 'number' && Number.isFinite(hint) && hint > 0 ? hint : 1_000
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1_000))
  const taskIds = Array.isArray(fields.taskIds)
    ? fields.taskIds.filter((id): id is string => typeof id === 'string')
    : []
  const uncertain = fields.code === 'E_TASKS_ENQUEUE_UNCERTAIN'
  const message = describe
    ? describe({ uncertain, seconds })
    : uncertain
      ? `the task queue did not confirm the enqueue (Redis did not answer): the tasks may or may not be queued; retry in ${seconds} s with the same task ids, a task already queued is not added twice`
      : `the task queue is unavailable (Redis unreachable) and nothing was enqueued; retry in ${seconds} s`
  return new HttpError(
    503,
    fields.code,
    message,
    {
      ...context,
      retryAfterMs,
      taskIds: taskIds.slice(0, MAX_LISTED_IDS),
      taskCount: taskIds.length,
    },
    { 'Retry-After': String(seconds) },
  )
}

/**
 * The 503 of a route that enqueues tasks, with its `Retry-After` header, for
 * `createRoute({ responses })`.
 */
export function taskOutageResponse(description: string) {
  return {
    ...errorResponse(description),
    headers: {
      'Retry-After': {
        description: 'Whole seconds after which a retry may succeed',
        schema: { type: 'integer' as const, minimum: 1 },
      },
    },
  }
}
