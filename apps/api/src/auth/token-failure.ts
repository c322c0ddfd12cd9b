import { HttpError } from '../http/errors.js'

/** The reasons a 401 gives, by jose error code. Never the token, the key or the secret. */
const REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm not allowed',
  ERR_JWS_INVALID: 'malformed token',
  ERR_JWT_INVALID: 'malformed token',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous signing key',
}

/** Claim validation failures, by claim. */
const CLAIM_REASONS: Record<string, string> = {
  exp: 'token has no valid exp claim',
  nbf: 'token not yet valid',
  iat: 'token issued in the future',
  iss: 'issuer not accepted',
  aud: 'audience not accepted',
}

/** The jose codes that mean the key server, not the caller, is at fault. */
const UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'])

/** Turns a verification failure into the 401 (or 503) the caller sees. */
export function describeTokenFailure(error: unknown): HttpError {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  if (UNAVAILABLE.has(code) || (code === '' && isFetchFailure(error))) {
    return new HttpError(503, 'E_API_UNAVAILABLE', 'cannot fetch the signing keys; try again later')
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = (error as { claim?: string }).claim ?? ''
    return unauthorized(CLAIM_REASONS[claim] ?? `claim ${claim} not accepted`)
  }
  return unauthorized(REASONS[code] ?? 'invalid token')
}

/**
 * A 401 with its reason in the body and in `WWW-Authenticate` (RFC 6750).
 *
 * @example
 * throw unauthorized('missing bearer token')
 */
export function unauthorized(reason: string): HttpError {
  return new HttpError(401, 'E_API_UNAUTHORIZED', reason, undefined, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${reason}"`,
  })
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && error.name === 'AbortError')
}
