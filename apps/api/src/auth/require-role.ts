import type { Context, MiddlewareHandler } from 'hono'
import { HttpError } from '../http/errors.js'
import { readHeader } from '../http/node-headers.js'
import type { AppEnv, AuthInfo, Role } from '../types.js'
import { unauthorized } from './token-failure.js'
import type { TokenVerifier } from './token-verifier.js'

const RANK: Record<Role, number> = { viewer: 1, admin: 2 }

/** The middleware factories built around one verifier. */
export interface AuthMiddleware {
  /**
   * Verifies the bearer token (once per request) and stores who called in `c.var.auth`, but
   * rejects nothing: the rate limiter runs next and keys anonymous callers by address.
   */
  identify: MiddlewareHandler<AppEnv>
  /** 401 without a valid token, 403 when the token's role is below `role`. */
  requireRole(role: Role): MiddlewareHandler<AppEnv>
}

/**
 * Builds the auth middleware. A failed verification is remembered per request, so
 * `identify` + `requireRole` verify a token once.
 *
 * @example
 * const auth = createAuthMiddleware(createTokenVerifier(config.server.auth))
 * app.post('/performance/cache/clear', auth.requireRole('admin'), handler)
 */
export function createAuthMiddleware(verifier: TokenVerifier): AuthMiddleware {
  const outcomes = new WeakMap<Request, Promise<AuthInfo | HttpError>>()

  const check = async (header: string | undefined): Promise<AuthInfo | HttpError> => {
    const token = readBearer(header)
    if (token instanceof HttpError) return token
    try {
      return await verifier.verify(token)
    } catch (error) {
      if (error instanceof HttpError) return error
      throw error
    }
  }

  const authenticate = (c: Context<AppEnv>): Promise<AuthInfo | HttpError> => {
    const known = outcomes.get(c.req.raw)
    if (known) return known
    const outcome = check(readHeader(c, 'authorization'))
    outcomes.set(c.req.raw, outcome)
    return outcome
  }

  return {
    identify: async (c, next) => {
      const outcome = await authenticate(c)
      if (!(outcome instanceof HttpError)) c.set('auth', outcome)
      await next()
    },
    requireRole(role) {
      return async (c, next) => {
        const outcome = await authenticate(c)
        if (outcome instanceof HttpError) throw outcome
        if (RANK[outcome.role] < RANK[role]) {
          throw new HttpError(
            403,
            'E_API_FORBIDDEN',
            `this route needs role ${role}; the token has ${outcome.role}`,
          )
        }
        c.set('auth', outcome)
        await next()
      }
    },
  }
}

/** The token of an `Authorization: Bearer <token>` header, or why there is none. */
function readBearer(header: string | undefined): string | HttpError {
  if (header === undefined || header.trim() === '') return unauthorized('missing bearer token')
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header)
  if (!match?.[1]) return unauthorized('malformed authorization header, expected: Bearer <token>')
  return match[1]
}
