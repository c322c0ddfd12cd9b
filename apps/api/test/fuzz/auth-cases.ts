import fc from 'fast-check'
import { SignJWT } from 'jose'
import { hsToken, newSecret, noneToken } from '../helpers.js'

/** The named credentials a fuzzed request may carry, each minted for the app under test. */
export const AUTH_LABELS = [
  'admin',
  'viewer',
  'metrics-token',
  'expired',
  'wrong-secret',
  'alg-none-admin',
  'no-role',
  'role-root',
  'not-yet-valid',
  'tampered-admin',
] as const

/** A named credential, no `Authorization` header at all, or a raw header value. */
export type AuthCase = (typeof AUTH_LABELS)[number] | 'none' | { raw: string }

/** The `Authorization` value of each named credential. */
export type Credentials = Record<(typeof AUTH_LABELS)[number], string>

/** Mints every credential of {@link AUTH_LABELS} for an app verifying HS256 with `secret`. */
export async function mintCredentials(secret: string, metricsToken: string): Promise<Credentials> {
  const key = new TextEncoder().encode(secret)
  const admin = await hsToken(secret, { role: 'admin', sub: 'fuzz-admin' })
  const now = Math.floor(Date.now() / 1000)
  const notYetValid = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('fuzz-later')
    .setIssuedAt()
    .setNotBefore(now + 3600)
    .setExpirationTime(now + 7200)
    .sign(key)
  const bearer = (token: string) => `Bearer ${token}`
  return {
    admin: bearer(admin),
    viewer: bearer(await hsToken(secret, { role: 'viewer', sub: 'fuzz-viewer' })),
    'metrics-token': bearer(metricsToken),
    expired: bearer(await hsToken(secret, { role: 'admin', exp: now - 3600 }, { expires: false })),
    'wrong-secret': bearer(await hsToken(newSecret(), { role: 'admin' })),
    'alg-none-admin': bearer(noneToken({ role: 'admin', sub: 'fuzz', exp: now + 600 })),
    'no-role': bearer(await hsToken(secret, { role: undefined })),
    'role-root': bearer(await hsToken(secret, { role: 'root' })),
    'not-yet-valid': bearer(notYetValid),
    // The payload swapped for another, the signature kept.
    'tampered-admin': bearer(
      [
        admin.split('.')[0],
        Buffer.from(JSON.stringify({ role: 'admin', sub: 'x', exp: now + 600 })).toString(
          'base64url',
        ),
        admin.split('.')[2],
      ].join('.'),
    ),
  }
}

/** Header values fetch accepts: no NUL, CR or LF, nothing above U+00FF. */
export function headerSafe(value: string): boolean {
  return !/[\0\r\n]/.test(value) && [...value].every((char) => char.charCodeAt(0) <= 0xff)
}

/** Raw `Authorization` values: wrong schemes, broken tokens, junk. */
const rawAuthorization: fc.Arbitrary<AuthCase> = fc
  .oneof(
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'bearer    ',
      'Basic YWRtaW46YWRtaW4=',
      'Token abc',
      'Bearer a.b.c',
      'Bearer ....',
      'Bearer =',
      'Bearer a b',
      'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.',
      `Bearer ${'a'.repeat(16_000)}`,
      `Bearer ${'eyJ'.repeat(3_000)}.${'eyJ'.repeat(3_000)}.x`,
    ),
    fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((text) => `Bearer ${text}`),
    fc.string({ unit: 'binary', maxLength: 60 }),
  )
  .filter(headerSafe)
  .map((raw) => ({ raw }))

/**
 * The `Authorization` of a request: mostly valid admin and viewer tokens (so routes run past
 * auth), else none, one of the broken credentials, or a raw value.
 */
export const authCases: fc.Arbitrary<AuthCase> = fc.oneof(
  { arbitrary: fc.constant('admin' as const), weight: 5 },
  { arbitrary: fc.constant('viewer' as const), weight: 3 },
  { arbitrary: fc.constant('none' as const), weight: 2 },
  { arbitrary: fc.constantFrom(...AUTH_LABELS.slice(2)), weight: 2 },
  { arbitrary: rawAuthorization, weight: 2 },
)
