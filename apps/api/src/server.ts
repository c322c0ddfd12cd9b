import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { resolveEdgeOptions, type EdgeOptions } from './http/edge-options.js'
import { createEdgeServer } from './http/edge-server.js'

/** A listening HTTP server around a fetch handler. */
export interface RunningServer {
  /** `http://host:port`, with the real port when 0 was asked for. */
  readonly url: string
  readonly port: number
  /**
   * Stops accepting connections, lets in-flight requests finish (idle keep-alive sockets are
   * closed at once), and after `timeout` ms cuts whatever is left. Idempotent.
   * @returns whether every request finished in time.
   */
  close(timeout?: number): Promise<{ drained: boolean }>
}

/** Where {@link listen} listens, and its edge: timeouts and the connection cap. */
export interface ListenOptions extends EdgeOptions {
  port: number
  host: string
}

/**
 * Serves `fetch` on `host:port`: @hono/node-server's request listener on the API's HTTP edge
 * (`createEdgeServer`): header, request and keep-alive timeouts, a connection cap, 431 for
 * oversized headers, and every request body a response did not wait for drained or closed
 * without a reset, so a keep-alive client never reuses a dead connection.
 *
 * @throws {EdgeOptionsError} for a timeout or cap that is not a positive integer, or
 * `timeouts.headers` above `timeouts.request`.
 * @example
 * const server = await listen(app.fetch, {
 *   port: config.server.port,
 *   host: config.server.host,
 *   timeouts: config.server.timeouts,
 *   maxConnections: config.server.maxConnections,
 * })
 * onShutdownSignal(() => server.close(10_000).then(() => undefined))
 */
export function listen(
  fetch: (request: Request, env: never) => Response | Promise<Response>,
  options: ListenOptions,
): Promise<RunningServer> {
  const edge = resolveEdgeOptions(options)
  // autoCleanupIncoming off: its own drain stalls behind the paused `Readable.toWeb` of a body
  // that was touched and then destroys the socket 500 ms later, after answering keep-alive. The
  // edge settles unread bodies itself, for every response.
  const listener = getRequestListener(fetch as never, {
    hostname: options.host,
    autoCleanupIncoming: false,
  })
  return new Promise((resolve, reject) => {
    const server = createEdgeServer(listener, edge)
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      const host = options.host.includes(':') ? `[${options.host}]` : options.host
      let closing: Promise<{ drained: boolean }> | undefined
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: (timeout = 10_000) => (closing ??= drain(server, timeout)),
      })
    })
  })
}

function drain(server: Server, timeout: number): Promise<{ drained: boolean }> {
  return new Promise((resolve) => {
    // Sockets that finish their request while we drain become idle; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100)
    const deadline = setTimeout(() => {
      server.closeAllConnections()
      finish(false)
    }, timeout)
    let done = false
    const finish = (drained: boolean) => {
      if (done) return
      done = true
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve({ drained })
    }
    server.close(() => finish(true))
    server.closeIdleConnections()
  })
}
