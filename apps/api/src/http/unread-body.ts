import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { lingerClose } from './linger-close.js'

/**
 * Largest request body still read to its end so that its connection can stay alive when the
 * response did not wait for it (an early 401, a 413 on `Content-Length`, a 415). Reading 64 KiB
 * costs less than the client's reconnect; anything larger, or of unknown length, is cheaper to
 * refuse with `Connection: close`.
 */
export const DRAIN_MAX_BYTES = 64 * 1024

/** What to do with a request body the response is about to be sent without. */
export type UnreadBodyPlan =
  /** The body is in (or there is none): nothing to do. */
  | 'none'
  /** Small and of known length: read it to its end, keep the connection. */
  | 'drain'
  /** Large, of unknown length, or the connection closes anyway: `Connection: close`, linger. */
  | 'close'

/** What {@link planUnreadBody} looks at: a subset of Node's `IncomingMessage`. */
export interface RequestProgress {
  /** Whether Node's parser has seen the whole request, body included. */
  complete: boolean
  headers: IncomingHttpHeaders
}

/**
 * Decides, as a response starts, what becomes of the rest of a request body nobody will read.
 * `keepAlive` is whether the response would keep the connection.
 *
 * @example
 * planUnreadBody({ complete: false, headers: { 'content-length': '3145728' } }, true) // 'close'
 */
export function planUnreadBody(request: RequestProgress, keepAlive: boolean): UnreadBodyPlan {
  if (request.complete) return 'none'
  const chunked = request.headers['transfer-encoding'] !== undefined
  const length = Number(request.headers['content-length'] ?? 0)
  if (!chunked && length === 0) return 'none'
  return keepAlive && !chunked && length <= DRAIN_MAX_BYTES ? 'drain' : 'close'
}

const answeredEarly = new WeakSet<Socket>()
const closing = new WeakSet<Socket>()

/**
 * Called when `res` writes its head: if `req`'s body is not all in, starts discarding the rest
 * and either keeps the connection (`drain`) or answers `Connection: close` and, once the response
 * is out, closes without a reset (`close`, see `lingerClose`). The rest of the body must still
 * arrive within Node's `requestTimeout`. Until it is in, {@link isAnsweredEarly} is true for the
 * socket, so nothing else is written to it.
 *
 * Routes read the body they need before they answer; one that streams its response while still
 * reading its request would lose the rest of the body here.
 *
 * @example
 * class EdgeResponse extends ServerResponse {
 *   override writeHead(...args) { settleUnreadBody(this.req, this); return super.writeHead(...args) }
 * }
 */
export function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  const plan = planUnreadBody(req, res.shouldKeepAlive)
  if (plan === 'none') return
  const socket = req.socket
  // No timer of our own: Node's `requestTimeout` still runs for this request and cuts a client
  // that sends the rest too slowly.
  answeredEarly.add(socket)
  req.once('end', () => answeredEarly.delete(socket))
  // Whoever started reading the body (fetch's `Readable.toWeb`) pauses the request whenever its
  // unread queue is full; nobody reads that queue any more, so drop those listeners, as Node's own
  // `IncomingMessage._dump()` does, and let the bytes flow to nowhere.
  req.removeAllListeners('data')
  req.on('data', () => undefined)
  req.resume()
  if (plan === 'drain') return

  closing.add(socket)
  if (res.shouldKeepAlive) res.setHeader('Connection', 'close')
  // Node ends a `Connection: close` response with `socket.destroySoon()`, which destroys the
  // socket while request bytes may still be unread: a reset. Linger instead, until the client
  // hangs up: one that writes its next request before it reads ours would otherwise get a reset
  // for that request.
  socket.destroySoon = () => lingerClose(socket)
}

/**
 * Whether `socket` carries a request that was answered before its body was in, and the body is
 * still arriving: the socket must not receive another response (a 408 on top of a 401).
 *
 * @example
 * if (isAnsweredEarly(socket)) socket.destroy()
 */
export function isAnsweredEarly(socket: Socket): boolean {
  return answeredEarly.has(socket)
}

/**
 * Whether `socket` answered `Connection: close` for an unread body: a request that still arrives
 * on it came from a client that ignored that, and gets no answer.
 *
 * @example
 * if (isClosing(req.socket)) return req.resume()
 */
export function isClosing(socket: Socket): boolean {
  return closing.has(socket)
}
