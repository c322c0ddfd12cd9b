// @ts-check
// Token handling and JSON calls of the dashboard page. The token arrives once in the URL
// fragment (never sent to the server), moves to sessionStorage and leaves the address bar.

/** @typedef {import('../http/errors.js').ErrorBody} ErrorBody */

/**
 * The claims the page reads from its token; any may be missing.
 * @typedef {{ role?: unknown, exp?: unknown, sub?: unknown }} TokenClaims
 */

/**
 * The API as the page calls it: the token it sends, and JSON GET/POST resolving to the body,
 * which each caller types with the body type of the route (from ../schemas.ts).
 * @typedef {{
 *   token: string,
 *   get: (path: string) => Promise<unknown>,
 *   post: (path: string, body?: object) => Promise<unknown>,
 * }} Api
 */

const STORAGE_KEY = 'bi-perf-token'

/** The token from `#token=…` (stored, then removed from the URL) or from this tab's storage. */
export function takeToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
  if (match?.[1] !== undefined) {
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]))
    history.replaceState(null, '', location.pathname + location.search)
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

/**
 * Keeps a pasted token for this tab.
 * @param {string} token
 */
export function saveToken(token) {
  sessionStorage.setItem(STORAGE_KEY, token.trim())
}

/** Forgets the token (sign out, or the server rejected it). */
export function clearToken() {
  sessionStorage.removeItem(STORAGE_KEY)
}

/**
 * The token's claims, read without verifying (the server verifies): the page only uses `role` to
 * hide what a viewer may not do, and `exp` to say when it ends.
 * @param {string} token
 * @returns {TokenClaims}
 */
export function tokenClaims(token) {
  try {
    const part = token.split('.')[1] ?? ''
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
    /** @type {unknown} */
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')))
    // A payload of `null` or a number has no claims, as one that does not parse.
    return typeof claims === 'object' && claims !== null ? claims : {}
  } catch {
    return {}
  }
}

/**
 * A request the API answered with a non-2xx status, with the API's `{ error: { code, message } }`
 * body when there was one. (The server's own `ApiError` is what it throws; this is the page's
 * view of an error response.)
 */
export class RequestError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ErrorBody> | null} body the answer's JSON, if it was JSON
   */
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`)
    this.name = 'RequestError'
    /** The HTTP status. */
    this.status = status
    /** The API's error code, or `E_HTTP` when the body had none. */
    this.code = body?.error?.code ?? 'E_HTTP'
  }
}

/**
 * The HTTP status of a {@link RequestError}, `undefined` for any other failure (a network error).
 * @param {unknown} error
 */
export const statusOf = (error) => (error instanceof RequestError ? error.status : undefined)

/**
 * The message of whatever a call threw.
 * @param {unknown} error
 */
export const messageOf = (error) => (error instanceof Error ? error.message : String(error))

/**
 * JSON GET/POST with the bearer token; a 401 also calls `onUnauthorized(message)`.
 * @param {string} token
 * @param {(message: string) => void} onUnauthorized
 * @returns {Api}
 */
export function createApi(token, onUnauthorized) {
  /**
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<unknown>}
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await fetch(path, {
      method,
      headers,
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    /** @type {unknown} */
    const json = await response.json().catch(() => null)
    if (!response.ok) {
      const error = new RequestError(
        response.status,
        /** @type {Partial<ErrorBody> | null} */ (json),
      )
      if (response.status === 401) onUnauthorized(error.message)
      throw error
    }
    return json
  }
  return {
    token,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
  }
}
