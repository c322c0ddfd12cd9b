import { createHash } from 'node:crypto'

/**
 * The `kid` under which bi-perf signs with an HS256 secret and finds it again: 16 characters of a
 * SHA-256 over the secret. The API keeps `server.auth.jwtSecret` and `jwtPreviousSecrets`, and a
 * token's `kid` picks which one checks it, so a secret can be rotated while tokens signed with the
 * old one live out their `exp`. The hash reveals nothing an HS256 token does not already: anyone
 * holding a token can test guesses of its secret against the signature.
 *
 * @example
 * new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwtKeyId(secret) })
 */
export function jwtKeyId(secret: string): string {
  return createHash('sha256')
    .update('bi-perf jwt kid\0')
    .update(secret)
    .digest('base64url')
    .slice(0, 16)
}
