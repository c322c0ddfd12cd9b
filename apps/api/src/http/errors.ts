import { z } from '@hono/zod-openapi'

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
