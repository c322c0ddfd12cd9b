import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

/** What one origin saw, so the example can show what the client did to it. */
export interface OriginLog {
  /** `performance.now()` at the arrival of each request. */
  arrivals: number[]
  /** TCP connections the client opened. */
  connections: number
  /** Most requests in progress at the same time. */
  peakInFlight: number
  /** Answers with 304 Not Modified. */
  notModified: number
}

/**
 * A small shop site on 127.0.0.1 and a free port, standing in for the sites a scraper visits:
 * `/products?page=N` is cacheable for a minute and takes `delayMs` to render; `/prices` must be
 * revalidated on every use (`no-cache`) and answers a matching `If-None-Match` with 304.
 */
export async function startOrigin({ delayMs = 120 } = {}) {
  const log: OriginLog = { arrivals: [], connections: 0, peakInFlight: 0, notModified: 0 }
  let inFlight = 0
  const server = createServer((request, response) => {
    log.arrivals.push(performance.now())
    inFlight += 1
    log.peakInFlight = Math.max(log.peakInFlight, inFlight)
    const url = new URL(request.url ?? '/', 'http://origin')
    void (async () => {
      await sleep(delayMs)
      if (url.pathname === '/products') {
        const page = Number(url.searchParams.get('page') ?? 1)
        const products = Array.from({ length: 10 }, (_, i) => ({
          sku: `p-${page}-${i}`,
          price: 5 + ((page * 10 + i) % 17),
        }))
        response.writeHead(200, {
          'content-type': 'application/json',
          'cache-control': 'max-age=60',
        })
        response.end(JSON.stringify({ page, products }))
      } else if (url.pathname === '/prices') {
        const etag = '"prices-v1"'
        if (request.headers['if-none-match'] === etag) {
          log.notModified += 1
          response.writeHead(304, { etag, 'cache-control': 'no-cache' })
          response.end()
        } else {
          response.writeHead(200, {
            'content-type': 'application/json',
            'cache-control': 'no-cache',
            etag,
          })
          response.end(JSON.stringify({ currency: 'EUR', updated: '2026-12-01' }))
        }
      } else {
        response.writeHead(404).end()
      }
      inFlight -= 1
    })()
  })
  server.on('connection', () => {
    log.connections += 1
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    log,
    /** Stops listening and ends idle keep-alive connections. */
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
