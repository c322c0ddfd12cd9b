import type { Context } from 'hono'
import { preferredCoding } from './accept-encoding.js'
import type { EncodedBody } from './encoded-body.js'
import { readHeader, writeHeader } from './node-headers.js'

/** The one header given to `c.body()`: one plain string header keeps hono off its `Headers` path. */
const JSON_TYPE = { 'Content-Type': 'application/json' } as const

/**
 * Answers a GET (or HEAD) with a cached JSON body: 304 with no body when `If-None-Match` names the
 * representation the caller would get, else 200 with the bytes for its `Accept-Encoding`
 * (`br` or `gzip` above the compression threshold), with `ETag` and `Vary: Accept-Encoding`. The
 * bytes were made once for every caller. The headers go out like the middleware's
 * ({@link writeHeader}: straight to Node's response on a socket, through hono elsewhere), so the
 * security, request-id and rate-limit headers are on both answers, `Cache-Control: no-store`
 * among them: no shared cache keeps these bodies, and a client that kept one may revalidate it.
 *
 * @example
 * return sendEncodedBody(c, bodyOf(status()))
 */
export function sendEncodedBody(c: Context, body: EncodedBody): Response {
  const representation = body.encoded(preferredCoding(readHeader(c, 'accept-encoding')))
  writeHeader(c, 'ETag', representation.etag)
  writeHeader(c, 'Vary', 'Accept-Encoding')
  const ifNoneMatch = readHeader(c, 'if-none-match')
  if (ifNoneMatch !== undefined && matchesTag(ifNoneMatch, representation.etag)) {
    return c.body(null, 304)
  }
  if (representation.coding !== 'identity') {
    writeHeader(c, 'Content-Encoding', representation.coding)
  }
  // A GET's length is set by @hono/node-server from the bytes; HEAD sends none, so say it here.
  if (c.req.method === 'HEAD') {
    writeHeader(c, 'Content-Length', String(representation.bytes.byteLength))
  }
  // Node's Buffers from Buffer.from() and zlib never sit on a SharedArrayBuffer.
  return c.body(representation.bytes as Uint8Array<ArrayBuffer>, 200, JSON_TYPE)
}

/**
 * `If-None-Match` with the weak comparison RFC 9110 §13.1.2 asks for: `*`, or a listed tag equal
 * to `etag` once any `W/` prefix is set aside.
 */
function matchesTag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  for (const part of header.split(',')) {
    const tag = part.trim()
    if (tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true
  }
  return false
}
