import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../types.js'
import { readHeader, writeHeader } from './node-headers.js'

/** What a caller's own request id may look like (as hono's requestId middleware accepts). */
const VALID_ID = /^[\w\-=]{1,255}$/

/**
 * Sets `c.var.requestId` and echoes it in `X-Request-Id`: the caller's id when it is a plain
 * token of at most 255 characters, else a fresh UUID.
 *
 * @example
 * app.use(requestId())
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = readHeader(c, 'x-request-id')
    const id = given !== undefined && VALID_ID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    writeHeader(c, 'X-Request-Id', id)
    await next()
  }
}
