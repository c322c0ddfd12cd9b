import { createHmac } from 'node:crypto'

/** Claims of a token the CLI mints. */
export interface CliTokenClaims {
  role: 'viewer' | 'admin'
  /** Lifetime in milliseconds. */
  ttlMs: number
  /** `iss`, when the server checks it. */
  issuer?: string | undefined
  /** `aud`, when the server checks it. */
  audience?: string | undefined
  /** Seconds since the epoch used as `iat`. @default now */
  now?: number
  /** `kid` of the header: which of the server's secrets signed it (core's `jwtKeyId`). */
  keyId?: string | undefined
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}

/**
 * An HS256 JWT with `sub: 'cli:<role>'`, `role`, `iat`, `exp` (and `iss` / `aud`, and `kid` in the
 * header, when given), signed with `secret` as UTF-8 bytes — the way the API verifies
 * `server.auth.jwtSecret`. The subject names the role, so the CLI's viewer and admin tokens are
 * two callers to the API (two rate-limit buckets, two sets of stream slots), while every token of
 * one role counts as the same caller however often it is minted.
 *
 * @example
 * const token = signCliToken('s3cret…', { role: 'admin', ttlMs: 3_600_000 })
 */
export function signCliToken(secret: string, claims: CliTokenClaims): string {
  const iat = claims.now ?? Math.floor(Date.now() / 1000)
  const payload: Record<string, unknown> = {
    sub: `cli:${claims.role}`,
    role: claims.role,
    iat,
    exp: iat + Math.max(1, Math.round(claims.ttlMs / 1000)),
  }
  if (claims.issuer !== undefined) payload.iss = claims.issuer
  if (claims.audience !== undefined) payload.aud = claims.audience
  const header: Record<string, string> = { alg: 'HS256', typ: 'JWT' }
  if (claims.keyId !== undefined) header.kid = claims.keyId
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}
