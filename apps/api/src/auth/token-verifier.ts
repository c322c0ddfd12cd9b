import { createPublicKey, type KeyObject } from 'node:crypto'
import { jwtKeyId } from '@bi-perf/core'
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose'
import { LRUCache } from 'lru-cache'
import { AuthConfigError } from '../errors.js'
import { HttpError } from '../http/errors.js'
import type { AuthInfo, Role } from '../types.js'
import { describeTokenFailure } from './token-failure.js'

/**
 * The auth settings the verifier reads: `config.server.auth` as core's `loadConfig` /
 * `resolveConfig` returns it. Core's configuration schema is the one place the rules live (secret
 * lengths, at most one key setting, previous secrets only beside a current one, an http(s) JWKS
 * URL); the verifier trusts settings that passed it and does not check them again.
 */
export interface AuthSettings {
  /** HS256 shared secret (at least 32 characters, checked by core's schema). */
  jwtSecret?: string
  /** Former HS256 secrets still accepted, each found by its `kid` ({@link jwtKeyId}). */
  jwtPreviousSecrets?: readonly string[]
  /** RS256 (RSA) or ES256 (P-256) public key, PEM (SPKI). */
  jwtPublicKey?: string
  /** URL of a JSON Web Key Set (RS256 or ES256 keys picked by `kid`). */
  jwksUrl?: string
  /** When set, the `iss` claim must equal it. */
  issuer?: string
  /** When set, the `aud` claim must contain it (or one of them). */
  audience?: string | string[]
  /** Allowed clock skew for `exp`, `nbf` and `iat` (refused when in the future), in milliseconds. */
  clockTolerance: number
}

/** Tunables of the JWKS fetch. */
export interface JwksOptions {
  /**
   * Least time between two JWKS fetches: a token with an unknown `kid` refetches the set only
   * after it, so forged kids cannot hammer the key server.
   * @default 30_000
   */
  cooldown?: number
  /**
   * Abort a JWKS fetch after this many milliseconds (503 `E_API_UNAVAILABLE` for the caller).
   * @default 5_000
   */
  timeout?: number
  /**
   * Refetch the set after this many milliseconds even when every kid is known.
   * @default 600_000
   */
  cacheMaxAge?: number
}

/** Tunables of the verified-token cache. */
export interface VerifiedCacheOptions {
  /**
   * Tokens whose verification is remembered (by their exact text, signature included), so a
   * client sending the same token again skips the signature check. 0 turns the cache off.
   * @default 1_000
   */
  maxTokens?: number
  /**
   * How long a verification is remembered at most; `exp` (plus the clock tolerance) still ends
   * it earlier. Bounds how long a token stays accepted after its JWKS key was withdrawn.
   * @default 60_000
   */
  maxAge?: number
}

/** Checks bearer tokens against the configured key, with one pinned algorithm. */
export interface TokenVerifier {
  /** The accepted algorithms: `HS256` for a secret, `RS256` or `ES256` for a key. */
  readonly algorithms: readonly Algorithm[]
  /** Where keys come from: `secret`, `public-key` or `jwks`. */
  readonly keySource: 'secret' | 'public-key' | 'jwks'
  /**
   * Resolves to who called, or rejects with an {@link HttpError}: 401 with the reason
   * (`token expired`, `bad signature`…), 403 for a missing role, 503 when the JWKS is unreachable.
   */
  verify(token: string): Promise<AuthInfo>
}

type Algorithm = 'HS256' | 'RS256' | 'ES256'

const ROLES: readonly Role[] = ['viewer', 'admin']

/** Which of the three key settings are set. */
export function configuredKeySources(
  auth: Pick<AuthSettings, 'jwtSecret' | 'jwtPublicKey' | 'jwksUrl'>,
): string[] {
  const sources: string[] = []
  if (auth.jwtSecret) sources.push('server.auth.jwtSecret')
  if (auth.jwtPublicKey) sources.push('server.auth.jwtPublicKey')
  if (auth.jwksUrl) sources.push('server.auth.jwksUrl')
  return sources
}

/**
 * Builds the verifier for exactly one of `jwtSecret` (HS256; `jwtPreviousSecrets` beside it are
 * still accepted, picked by `kid`), `jwtPublicKey` (RS256 for an RSA
 * key, ES256 for a P-256 key) or `jwksUrl` (RS256/ES256 by `kid`). The algorithm is pinned to the
 * key kind, so an HS256 token signed
 * with an RSA public key as secret (algorithm confusion) or an `alg: none` token fails with
 * `algorithm not allowed`. `exp` is required; an `iat` later than now plus the clock tolerance
 * fails with `token issued in the future`.
 *
 * @throws {AuthConfigError} no key setting, or a PEM key that is not an RSA or P-256 public key.
 * @example
 * const config = await loadConfig() // validates server.auth
 * const verifier = createTokenVerifier(config.server.auth)
 * const who = await verifier.verify(token) // { subject, role, claims }
 */
export function createTokenVerifier(
  auth: AuthSettings,
  jwks: JwksOptions = {},
  cache: VerifiedCacheOptions = {},
): TokenVerifier {
  const verifier = createUncachedVerifier(auth, jwks)
  const maxTokens = cache.maxTokens ?? 1_000
  return maxTokens > 0
    ? withVerifiedCache(verifier, auth.clockTolerance, maxTokens, cache.maxAge ?? 60_000)
    : verifier
}

/**
 * Remembers successful verifications: the signature check is the expensive part of a request
 * (an HMAC or RSA operation per call), and clients resend the same token. A hit is still
 * checked against `exp`; failures are never remembered.
 */
function withVerifiedCache(
  verifier: TokenVerifier,
  clockTolerance: number,
  maxTokens: number,
  maxAge: number,
): TokenVerifier {
  const verified = new LRUCache<string, { info: AuthInfo; until: number }>({ max: maxTokens })
  return {
    algorithms: verifier.algorithms,
    keySource: verifier.keySource,
    async verify(token) {
      const now = Date.now()
      const hit = verified.get(token)
      if (hit && now < hit.until) return hit.info
      const info = await verifier.verify(token)
      const exp =
        typeof info.claims['exp'] === 'number' ? info.claims['exp'] * 1000 + clockTolerance : now
      verified.set(token, { info, until: Math.min(exp, now + maxAge) })
      return info
    },
  }
}

function createUncachedVerifier(auth: AuthSettings, jwks: JwksOptions): TokenVerifier {
  const tolerance = Math.max(0, auth.clockTolerance) / 1000
  const options = {
    clockTolerance: tolerance,
    requiredClaims: ['exp'],
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience && auth.audience.length > 0 ? { audience: auth.audience } : {}),
  }

  if (auth.jwtSecret) {
    const keys = keysById(auth.jwtSecret, auth.jwtPreviousSecrets ?? [])
    return makeVerifier(['HS256'], 'secret', tolerance, (token) =>
      verifyWithSecrets(token, keys, { ...options, algorithms: ['HS256'] }),
    )
  }

  if (auth.jwtPublicKey) {
    const { key, algorithm } = readPublicKey(auth.jwtPublicKey)
    return makeVerifier([algorithm], 'public-key', tolerance, (token) =>
      jwtVerify(token, key, { ...options, algorithms: [algorithm] }),
    )
  }

  if (auth.jwksUrl) {
    const keySet: JWTVerifyGetKey = createRemoteJWKSet(new URL(auth.jwksUrl), {
      cooldownDuration: jwks.cooldown ?? 30_000,
      timeoutDuration: jwks.timeout ?? 5_000,
      cacheMaxAge: jwks.cacheMaxAge ?? 600_000,
    })
    const algorithms: Algorithm[] = ['RS256', 'ES256']
    return makeVerifier(algorithms, 'jwks', tolerance, (token) =>
      jwtVerify(token, keySet, { ...options, algorithms }),
    )
  }

  throw new AuthConfigError('server.auth', 'set one of jwtSecret, jwtPublicKey or jwksUrl')
}

function makeVerifier(
  algorithms: readonly Algorithm[],
  keySource: TokenVerifier['keySource'],
  toleranceSeconds: number,
  check: (token: string) => Promise<{ payload: JWTPayload }>,
): TokenVerifier {
  return {
    algorithms,
    keySource,
    async verify(token) {
      let payload: JWTPayload
      try {
        ;({ payload } = await check(token))
        rejectFutureIssuedAt(payload, toleranceSeconds)
      } catch (error) {
        throw describeTokenFailure(error)
      }
      const role = payload['role']
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
        throw new HttpError(403, 'E_API_FORBIDDEN', 'token has no role claim of viewer or admin')
      }
      return {
        subject: typeof payload.sub === 'string' ? payload.sub : 'unknown',
        role: role as Role,
        claims: payload,
      }
    },
  }
}

/**
 * jose checks `iat` against the clock only with `maxTokenAge`, which would also make `iat`
 * required; `iat` stays optional here, but one beyond the clock tolerance in the future is a
 * token minted by a skewed or forged clock and is refused like an early `nbf`.
 */
function rejectFutureIssuedAt(payload: JWTPayload, toleranceSeconds: number): void {
  // jose has already refused an `iat` that is not a number.
  if (typeof payload.iat !== 'number') return
  if (payload.iat > Date.now() / 1000 + toleranceSeconds) {
    throw new errors.JWTClaimValidationFailed(
      '"iat" claim timestamp check failed (it should be in the past)',
      payload,
      'iat',
      'check_failed',
    )
  }
}

/** The HS256 secrets by `kid`, the current one first. */
function keysById(current: string, previous: readonly string[]): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>()
  for (const secret of [current, ...previous]) {
    keys.set(jwtKeyId(secret), new TextEncoder().encode(secret))
  }
  return keys
}

/**
 * Checks an HS256 token with the secret its `kid` names. A token without `kid`, or with one we did
 * not mint (another signer's naming), is tried against each secret, the current one first: one
 * HMAC per secret at most. A `kid` that names no secret whose signature matches fails as
 * `unknown signing key`.
 */
async function verifyWithSecrets(
  token: string,
  keys: ReadonlyMap<string, Uint8Array>,
  options: JWTVerifyOptions,
): Promise<{ payload: JWTPayload }> {
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(token).kid
  } catch {
    // Malformed: jwtVerify below reports it as the caller should see it.
  }
  const named = kid === undefined ? undefined : keys.get(kid)
  if (named) return jwtVerify(token, named, options)
  let failure: unknown
  for (const key of keys.values()) {
    try {
      return await jwtVerify(token, key, options)
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error
      failure = error
    }
  }
  throw kid === undefined ? failure : new errors.JWKSNoMatchingKey()
}

function readPublicKey(pem: string): { key: KeyObject; algorithm: Algorithm } {
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch (error) {
    throw new AuthConfigError('server.auth.jwtPublicKey', 'must be a PEM public key (SPKI)', {
      cause: error,
    })
  }
  if (key.asymmetricKeyType === 'rsa') return { key, algorithm: 'RS256' }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, algorithm: 'ES256' }
  }
  throw new AuthConfigError(
    'server.auth.jwtPublicKey',
    `must be an RSA key (RS256) or a P-256 EC key (ES256), got ${key.asymmetricKeyType ?? 'an unknown key type'}`,
  )
}
