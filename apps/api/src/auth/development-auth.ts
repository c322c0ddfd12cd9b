import { randomBytes } from 'node:crypto'
import { jwtKeyId } from '@bi-perf/core'
import { SignJWT } from 'jose'

/** A throwaway secret and an admin token for it, for a development server without auth. */
export interface DevelopmentAuth {
  /** 32 random bytes, base64url. Lives only in this process. */
  secret: string
  /** An HS256 admin token for `secret`, valid 12 hours. */
  adminToken: string
  /** When `adminToken` expires, epoch milliseconds. */
  expiresAt: number
}

const LIFETIME_SECONDS = 12 * 60 * 60

/**
 * Generates the development fallback: a random secret (never a default one) and an admin
 * token the startup line puts in the dashboard URL.
 *
 * @example
 * const dev = await createDevelopmentAuth()
 * console.log(`http://127.0.0.1:8080/#token=${dev.adminToken}`)
 */
export async function createDevelopmentAuth(
  claims: { issuer?: string; audience?: string | string[] } = {},
  now = Date.now(),
): Promise<DevelopmentAuth> {
  const secret = randomBytes(32).toString('base64url')
  const issuedAt = Math.floor(now / 1000)
  const token = new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwtKeyId(secret) })
    .setSubject('development-admin')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + LIFETIME_SECONDS)
  // The configured iss/aud checks stay on, so the token must carry them.
  if (claims.issuer) token.setIssuer(claims.issuer)
  if (claims.audience && claims.audience.length > 0) token.setAudience(claims.audience)
  const adminToken = await token.sign(new TextEncoder().encode(secret))
  return { secret, adminToken, expiresAt: (issuedAt + LIFETIME_SECONDS) * 1000 }
}
