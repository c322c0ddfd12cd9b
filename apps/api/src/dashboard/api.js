/* global atob, fetch, history, location, sessionStorage */
// Token handling and JSON calls of the dashboard page. The token arrives once in the URL
// fragment (never sent to the server), moves to sessionStorage and leaves the address bar.

const STORAGE_KEY = 'bi-perf-token'

/** The token from `#token=…` (stored, then removed from the URL) or from this tab's storage. */
export function takeToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
  if (match) {
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]))
    history.replaceState(null, '', location.pathname + location.search)
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

/** Keeps a pasted token for this tab. */
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
 */
export function tokenClaims(token) {
  try {
    const part = token.split('.')[1] ?? ''
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')))
  } catch {
    return {}
  }
}

/** A non-2xx answer, with the API's `{ error: { code, message } }` body when there was one. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`)
    this.status = status
    this.code = body?.error?.code ?? 'E_HTTP'
  }
}

/** JSON GET/POST with the bearer token; a 401 also calls `onUnauthorized(message)`. */
export function createApi(token, onUnauthorized) {
  async function request(method, path, body) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await fetch(path, {
      method,
      headers,
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await response.json().catch(() => null)
    if (!response.ok) {
      const error = new ApiError(response.status, json)
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
