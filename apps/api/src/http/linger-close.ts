import type { Socket } from 'node:net'

/**
 * Longest a closing connection keeps reading (and discarding) what the client still sends. Long
 * enough for a client on a slow link to take in the response and hang up itself, short enough
 * that a client that never stops sending holds the socket for seconds, not minutes.
 */
export const LINGER_TIMEOUT = 5_000

const lingering = new WeakSet<Socket>()

/**
 * Closes `socket` the way nginx's `lingering_close` does: sends FIN after the response already
 * written, then keeps reading until the client hangs up (or `timeout` ms pass) before releasing
 * the socket. Closing at once while request bytes are still unread would make the kernel answer
 * with RST, and a client that receives RST may drop the response it has not read yet: it would
 * see `ECONNRESET` instead of our 413 or 431. Whoever reads the socket (Node's HTTP parser) keeps
 * doing so; this only decides when to let go. Idempotent.
 *
 * @example
 * socket.write(errorResponse)
 * lingerClose(socket)
 */
export function lingerClose(socket: Socket, timeout = LINGER_TIMEOUT): void {
  if (lingering.has(socket) || socket.destroyed) return
  lingering.add(socket)
  const timer = setTimeout(() => socket.destroy(), timeout)
  timer.unref()
  socket.once('close', () => clearTimeout(timer))
  // The client's FIN: it will send nothing more, so nothing is left unread to turn into a reset.
  socket.once('end', () => socket.destroy())
  socket.end()
}

/**
 * Whether {@link lingerClose} is closing `socket`: nothing more may be written to it.
 *
 * @example
 * if (isLingering(socket)) return socket.destroy()
 */
export function isLingering(socket: Socket): boolean {
  return lingering.has(socket)
}
