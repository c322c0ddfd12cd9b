import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { errorBody } from './errors.js'

/** Methods whose requests carry no body we read. */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * 413 `E_API_PAYLOAD_TOO_LARGE` for a body above `maxSize` bytes (declared or streamed). GET,
 * HEAD and OPTIONS skip the check: no route reads their body, and touching it would make
 * @hono/node-server build a full `Request` for every call (a third of the throughput).
 *
 * @example
 * app.use(limitBody(config.server.bodyLimit))
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        errorBody('E_API_PAYLOAD_TOO_LARGE', `request body larger than ${maxSize} bytes`, {
          limit: maxSize,
        }),
        413,
      ),
  })
  return (c, next) => (BODILESS.has(c.req.method) ? next() : limit(c, next))
}
