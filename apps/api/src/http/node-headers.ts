import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

/**
 * A request header, read from Node's already-parsed `IncomingMessage` when the app runs on
 * @hono/node-server: `c.req.header()` would first build a fetch `Headers` object for the request,
 * a measurable share of a small request's cost. Falls back to `c.req.header()` (`app.request()`).
 *
 * @example
 * const authorization = readHeader(c, 'authorization')
 */
export function readHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming
  if (incoming?.headers) {
    const value = incoming.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  return c.req.header(name)
}

/**
 * Sets a response header on Node's `ServerResponse` when there is one (node merges it with the
 * headers hono writes, hono's win), else through `c.header()`. Hono keeps its own headers in a
 * fetch `Headers` object whose every `set` and the final copy to Node cost far more than
 * `setHeader`; a dozen static security headers per response made that the largest cost of a
 * status request.
 *
 * @example
 * writeHeader(c, 'X-Request-Id', id)
 */
export function writeHeader(c: Context, name: string, value: string): void {
  const outgoing = (c.env as NodeBindings | undefined)?.outgoing
  if (outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent) {
    outgoing.setHeader(name, value)
    return
  }
  c.header(name, value)
}
