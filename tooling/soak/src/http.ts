/** Default timeout of the harness's own HTTP calls (probes, profile switches). */
export const HTTP_TIMEOUT_MS = 5_000

/** What one HTTP call gave: a status and parsed JSON body, or the error code of a failure. */
export type HttpOutcome =
  { ok: true; status: number; body: unknown; ms: number } | { ok: false; error: string; ms: number }

/**
 * One HTTP call with a timeout; never throws. The body is parsed as JSON when it is JSON.
 *
 * @example
 * const outcome = await call(`${api}/health`)
 * if (outcome.ok && outcome.status === 200) …
 */
export async function call(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<HttpOutcome> {
  const started = performance.now()
  const { timeoutMs = HTTP_TIMEOUT_MS, ...rest } = init
  try {
    const response = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) })
    const text = await response.text()
    let body: unknown = text
    if (response.headers.get('content-type')?.includes('json')) {
      try {
        body = JSON.parse(text)
      } catch {
        // Kept as text.
      }
    }
    return { ok: true, status: response.status, body, ms: performance.now() - started }
  } catch (error) {
    return { ok: false, error: errorCode(error), ms: performance.now() - started }
  }
}

/** A short, stable name for a client-side failure: `ECONNRESET`, `TimeoutError`… */
export function errorCode(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    const next = (current as { cause?: unknown }).cause
    if (!next) break
    current = next
  }
  if (error instanceof Error) return error.name === 'Error' ? error.message : error.name
  return String(error)
}
