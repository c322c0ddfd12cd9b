import { errorResponse } from './errors.js'

/** The error responses every authenticated, rate-limited route may give. */
export const protectedResponses = {
  401: errorResponse('No bearer token, or it is expired, malformed or badly signed'),
  403: errorResponse('The token is valid but its role is too low'),
  429: errorResponse('Rate limit reached; see Retry-After'),
} as const

/** The `security` entry of a route that needs a bearer token. */
export const bearerSecurity = [{ bearerAuth: [] }]
