import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'

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

/**
 * Serves `fetch` on `host:port` with @hono/node-server.
 *
 * @example
 * const server = await listen(app.fetch, { port: 8080, host: '127.0.0.1' })
 * onShutdownSignal(() => server.close(10_000).then(() => undefined))
 */
export function listen(
  fetch: (request: Request, env: never) => Response | Promise<Response>,
  options: { port: number; host: string },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: fetch as never,
      port: options.port,
      hostname: options.host,
    }) as Server
    server.once('error', reject)
    server.once('listening', () => {
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
