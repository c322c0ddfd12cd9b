import { errorResponse } from './errors.js'

/** The error responses every authenticated, rate-limited route may give. */
export const protectedResponses = {
  401: errorResponse('No bearer token, or it is expired, malformed or badly signed'),
  403: errorResponse('The token is valid but its role is too low'),
  429: errorResponse('Rate limit reached; see Retry-After'),
} as const

/** The `security` entry of a route that needs a bearer token. */
export const bearerSecurity = [{ bearerAuth: [] }]

/**
 * The 304 of a route answered from a cached body (`sendEncodedBody`): the caller sent
 * `If-None-Match` with the ETag of the representation it would get.
 */
export const notModifiedResponse = {
  description:
    'Not modified: If-None-Match named the current ETag; no body, the same ETag, Vary and security headers',
} as const

/**
 * The 200 description of a route answered from a cached body: what it says about ETags and
 * compression, after `what`.
 *
 * @example
 * responses: { 200: { description: cachedBodyDescription('Status'), content } }
 */
export function cachedBodyDescription(what: string): string {
  return `${what}. Serialized once per change: a strong ETag (send it back in If-None-Match for a 304), br or gzip from 1 KiB when Accept-Encoding allows (q-values honoured), Vary: Accept-Encoding; Cache-Control stays no-store`
}
