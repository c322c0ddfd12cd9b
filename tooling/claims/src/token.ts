import { createHmac } from 'node:crypto'

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

/**
 * An HS256 bearer token the API accepts (`sub`, `role`, `iat`, `exp`, signed with the UTF-8
 * bytes of `BI_PERF_JWT_SECRET`), as apps/cli's token command and tooling/soak mint them. Built
 * with node:crypto so the harness needs no JWT library.
 *
 * @example
 * const token = mintAdminToken(secret) // Authorization: Bearer <token>
 */
export function mintAdminToken(secret: string, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000)
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = base64url(
    JSON.stringify({ role: 'admin', sub: 'bench-claims', iat: now, exp: now + ttlSeconds }),
  )
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}
