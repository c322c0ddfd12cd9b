import fc from 'fast-check'
import type { AuthCase, Credentials } from './auth-cases.js'

/** One generated request, as plain data: fast-check prints it when a property fails. */
export interface FuzzRequest {
  /** Upper case, e.g. `POST`. */
  method: string
  /** Path and query string, as sent. */
  url: string
  auth: AuthCase
  /** Headers besides `Authorization`, `Content-Type` included. */
  headers: Record<string, string>
  /** The raw body text, or none. */
  body: string | undefined
}

const SHOWN = 300

function shorten(text: string): string {
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}… (${text.length} characters in all)`
}

/** A readable one-request summary; long values are cut, with their length. */
export function describeRequest(request: FuzzRequest): string {
  const auth =
    typeof request.auth === 'string' ? request.auth : `raw ${JSON.stringify(request.auth.raw)}`
  const lines = [
    `${request.method} ${shorten(request.url)}`,
    `  Authorization: ${shorten(auth)}`,
    ...Object.entries(request.headers).map(
      ([name, value]) => `  ${name}: ${shorten(JSON.stringify(value))}`,
    ),
  ]
  if (request.body !== undefined) lines.push(`  body: ${shorten(JSON.stringify(request.body))}`)
  return lines.join('\n')
}

/** Gives a request fast-check's custom printing, so a counterexample shows as {@link describeRequest}. */
export function printable(request: FuzzRequest): FuzzRequest {
  return Object.defineProperty(request, fc.toStringMethod, {
    value: () => `\n${describeRequest(request)}\n`,
    enumerable: false,
  })
}

/** The `app.request()` arguments of a request, with its credential resolved. */
export function toRequestInit(
  request: FuzzRequest,
  credentials: Credentials,
): [string, RequestInit] {
  const headers = new Headers(request.headers)
  if (typeof request.auth === 'object') headers.set('Authorization', request.auth.raw)
  else if (request.auth !== 'none') headers.set('Authorization', credentials[request.auth])
  return [
    request.url,
    {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    },
  ]
}
