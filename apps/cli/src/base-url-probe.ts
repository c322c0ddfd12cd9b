/**
 * What the client does after a 404: find out whether `--url` is the API's base URL at all, so
 * `--url http://host:8080/api` is answered with "is http://host:8080 the base URL?" rather than
 * a bare 404.
 */

/** The route every bi-perf API serves; it answers 200 or 401, never 404. */
const PROBE_ROUTE = '/performance/status'
/** Probes are a diagnosis after a failure: short, whatever `--timeout` says. */
const PROBE_TIMEOUT_MS = 2_000

/**
 * Whether a bi-perf API answers at `base`: `GET <base>/performance/status` answers with the
 * API's JSON (a status, or its error shape for 401, 403 or 429), not with a 404.
 *
 * @example
 * await answersAsApi('http://127.0.0.1:8080') // true when the server runs there
 */
export async function answersAsApi(base: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  try {
    const response = await fetch(base + PROBE_ROUTE, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(Math.min(timeoutMs, PROBE_TIMEOUT_MS)),
    })
    if (response.status === 404) return false
    const body = (await response.json()) as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null) return false
    return response.ok ? 'state' in body : typeof body.error === 'object'
  } catch {
    return false
  }
}

/**
 * The nearest parent of `url` (dropping path segments from the end, down to the origin) where a
 * bi-perf API answers, or `null` when none does.
 *
 * @example
 * await findApiBase('http://127.0.0.1:8080/api') // 'http://127.0.0.1:8080'
 */
export async function findApiBase(url: string, timeoutMs?: number): Promise<string | null> {
  const parsed = new URL(url)
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '')
  while (segments.length > 0) {
    segments.pop()
    const candidate = parsed.origin + (segments.length > 0 ? `/${segments.join('/')}` : '')
    if (await answersAsApi(candidate, timeoutMs)) return candidate
  }
  return null
}

/**
 * Why a TLS failure means "this port speaks plain HTTP", and the fix: an `https://` URL against
 * an HTTP server makes OpenSSL report a wrong record version. `undefined` for any other error.
 *
 * @example
 * plainHttpMismatch('https://127.0.0.1:8080', 'ERR_SSL_WRONG_VERSION_NUMBER')
 * // { reason: 'the server at 127.0.0.1:8080 speaks plain HTTP, not HTTPS',
 * //   fix: 'use --url http://127.0.0.1:8080' }
 */
export function plainHttpMismatch(
  base: string,
  code: string | undefined,
): { reason: string; fix: string } | undefined {
  const url = new URL(base)
  if (url.protocol !== 'https:') return undefined
  if (code !== 'ERR_SSL_WRONG_VERSION_NUMBER' && code !== 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return undefined
  }
  const path = url.pathname.replace(/\/+$/, '')
  return {
    reason: `the server at ${url.host} speaks plain HTTP, not HTTPS`,
    fix: `use --url http://${url.host}${path}`,
  }
}
