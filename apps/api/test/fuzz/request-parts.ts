import fc from 'fast-check'
import { headerSafe } from './auth-cases.js'
import type { FuzzRequest } from './fuzz-request.js'
import type { Resolve } from './schema-values.js'

/** What the request generators need beyond the document. */
export interface RequestContext {
  resolve: Resolve
  /** An origin the app's CORS allows. */
  allowedOrigin: string
  /**
   * Strings no request may contain: error messages echo paths and names, so a request holding
   * one would look like a leak.
   */
  leakMarkers: readonly string[]
}

/** Path and query fragments inserted as they are, not percent-encoded. */
export const RAW_FRAGMENTS = [
  '%zz',
  '%',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%00',
  'a%20b',
  '%E0%A4%A',
  ';x=1',
]

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) becomes the bytes UTF-8
 * would give it: invalid UTF-8 on the wire, which is what a hostile client sends.
 */
export function encodeComponent(value: string): string {
  return [...value]
    .map((char) => {
      const code = char.charCodeAt(0)
      if (char.length > 1 || code < 0xd800 || code > 0xdfff) return encodeURIComponent(char)
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('')
    })
    .join('')
}

/** A path template with each parameter filled with a plain value. */
export function concretePath(template: string): string {
  return template.replace(/\{[^}]+\}/g, 'fuzz-value')
}

/** Extra headers: request ids, origins, accept values, spoofed forwarding. */
export function extraHeaders(context: RequestContext): fc.Arbitrary<Record<string, string>> {
  return fc
    .record(
      {
        'X-Request-Id': fc.oneof(
          fc.uuid(),
          fc.string({ unit: 'binary-ascii', maxLength: 300 }),
          fc.constant('a'.repeat(300)),
        ),
        Origin: fc.constantFrom(context.allowedOrigin, 'https://evil.example', 'null'),
        Accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', ''),
        'X-Forwarded-For': fc.ipV4(),
      },
      { requiredKeys: [] },
    )
    .map((headers) =>
      Object.fromEntries(Object.entries(headers).filter(([, value]) => headerSafe(value))),
    )
}

/** Whether a request holds none of the leak markers anywhere. */
export function holdsNoMarker(request: FuzzRequest, markers: readonly string[]): boolean {
  const text = JSON.stringify(request)
  return markers.every((marker) => !text.includes(marker))
}
