import { SignJWT } from 'jose'

/** The roles the API knows (apps/api/src/auth). */
export type Role = 'viewer' | 'admin'

/**
 * An HS256 bearer token the API accepts: `sub`, `role`, `iat`, `exp` signed with the UTF-8 bytes
 * of `BI_PERF_JWT_SECRET`, as apps/cli's token command mints them.
 *
 * @example
 * const token = await mintToken(secret, { sub: 'soak-viewer', role: 'viewer' })
 */
export function mintToken(
  secret: string,
  claims: { sub: string; role: Role; ttlSeconds?: number },
): Promise<string> {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 12 * 3600}s`)
    .sign(new TextEncoder().encode(secret))
}
