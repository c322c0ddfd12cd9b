import {
  createServer,
  ServerResponse,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type Server,
} from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { answerClientError } from './client-error.js'
import type { ResolvedEdgeOptions } from './edge-options.js'
import { isLingering } from './linger-close.js'
import { isAnsweredEarly, isClosing, settleUnreadBody } from './unread-body.js'

/**
 * How often Node checks `timeouts.headers` and `timeouts.request`. Its default, 30 s, would let a
 * slowloris client keep a socket up to 30 s past the timeout; a sweep of the connections still
 * receiving a request each second costs next to nothing.
 */
const TIMEOUT_CHECK_INTERVAL = 1_000

/**
 * Node's default limit on a request's header section, stated so that a `--max-http-header-size`
 * flag in `NODE_OPTIONS` cannot raise it for the API; larger headers get 431.
 */
export const MAX_HEADER_SIZE = 16 * 1024

/** The response that last wrote its head on each socket. */
const lastResponse = new WeakMap<Socket, ServerResponse>()

/**
 * Node's `ServerResponse`, with a hook as the head is written: every response, whatever route or
 * middleware made it, settles the request body it did not read ({@link settleUnreadBody}).
 */
class EdgeServerResponse extends ServerResponse {
  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    if (!this.headersSent) {
      lastResponse.set(this.req.socket, this)
      settleUnreadBody(this.req, this)
    }
    const write = ServerResponse.prototype.writeHead as (...args: unknown[]) => this
    return write.call(this, statusCode, reasonOrHeaders, headers)
  }
}

/**
 * An HTTP/1.1 server around `listener` with the API's edge: header, request and keep-alive
 * timeouts, a connection cap, 16 KiB of headers, unread request bodies drained or closed without
 * a reset, and malformed or timed-out requests answered in the API's error shape. Not listening
 * yet.
 *
 * @example
 * const server = createEdgeServer(getRequestListener(app.fetch), resolveEdgeOptions())
 * server.listen(8080, '127.0.0.1')
 */
export function createEdgeServer(
  listener: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: ResolvedEdgeOptions,
): Server {
  const server = createServer(
    {
      ServerResponse: EdgeServerResponse,
      headersTimeout: options.timeouts.headers,
      requestTimeout: options.timeouts.request,
      keepAliveTimeout: options.timeouts.keepAlive,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL,
      maxHeaderSize: MAX_HEADER_SIZE,
    },
    (req, res) => {
      // A request behind one we answered with `Connection: close` (a client that pipelines, or
      // writes before it reads): the socket is closing and cannot carry its answer.
      if (isClosing(req.socket) || isLingering(req.socket)) {
        req.resume()
        return
      }
      void listener(req, res)
    },
  )
  server.maxConnections = options.maxConnections
  server.on('clientError', (error: Error & { code?: string }, duplex: Duplex) => {
    // Always a net.Socket on an HTTP/1.1 server; the type is wide for other transports.
    const socket = duplex as Socket
    const response = lastResponse.get(socket)
    const busy =
      (response !== undefined && response.headersSent && !response.writableFinished) ||
      isAnsweredEarly(socket) ||
      isLingering(socket)
    answerClientError(error, socket, busy)
  })
  return server
}
