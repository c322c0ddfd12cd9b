import { randomUUID } from 'node:crypto'
import diagnosticsChannel from 'node:diagnostics_channel'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCache, type Cache } from '@bi-perf/cache'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createCachedFetch } from '../src/cached-fetch/cached-fetch.js'
import type { CachedFetch, CachedFetchOptions } from '../src/cached-fetch/types.js'
import { FetchFailedError, InvalidArgumentError } from '../src/errors.js'

// createCachedFetch against a real HTTP server on loopback that records every request it gets.

interface Arrival {
  path: string
  headers: IncomingHttpHeaders
  /** performance.now() when the server saw the request. */
  at: number
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

let server: Server
let origin: string
const routes = new Map<string, Handler>()
const arrivals: Arrival[] = []
let openSockets = 0
let socketsOpened = 0
let inFlight = 0
let peakInFlight = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    arrivals.push({ path, headers: req.headers, at: performance.now() })
    inFlight++
    peakInFlight = Math.max(peakInFlight, inFlight)
    res.on('close', () => inFlight--)
    const handler = routes.get(path)
    if (handler) handler(req, res)
    else res.writeHead(599).end()
  })
  server.on('connection', (socket) => {
    openSockets++
    socketsOpened++
    socket.on('close', () => openSockets--)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

let cache: Cache
const clients: CachedFetch[] = []

beforeEach(() => {
  cache = createCache()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
  await cache.close()
})

function client(options: CachedFetchOptions = {}): CachedFetch {
  const created = createCachedFetch({ cache, ...options })
  clients.push(created)
  return created
}

/** Registers a handler on a path no other test uses; returns the URL and its arrivals. */
function route(handler: Handler) {
  const path = `/${randomUUID()}`
  routes.set(path, handler)
  return { url: `${origin}${path}`, arrivals: () => arrivals.filter((hit) => hit.path === path) }
}

describe('caching by Cache-Control', () => {
  it('serves a max-age response from the cache until it expires', async () => {
    let served = 0
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'application/json' })
      res.end(JSON.stringify({ served: ++served }))
    })
    const http = client()
    const responses = [await http.get(url), await http.get(url), await http.get(url)]
    expect(arrivals()).toHaveLength(1)
    expect(responses.map((response) => response.fromCache)).toEqual([false, true, true])
    expect(responses.map((response) => response.json())).toEqual([
      { served: 1 },
      { served: 1 },
      { served: 1 },
    ])
    expect(http.stats()).toMatchObject({ requests: 3, hits: 2, misses: 1, stored: 1 })
  })

  it('never stores a no-store response', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store, max-age=60' }).end('secret')
    })
    const http = client()
    for (let i = 0; i < 3; i++) expect((await http.get(url)).fromCache).toBe(false)
    expect(arrivals()).toHaveLength(3)
    expect(http.stats()).toMatchObject({ stored: 0, notStored: 3 })
  })

  it('skips the cache for a request sent with Cache-Control: no-store', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('ok')
    })
    const http = client()
    await http.get(url)
    const bypass = await http.get(url, { headers: { 'Cache-Control': 'no-store' } })
    expect(bypass.fromCache).toBe(false)
    expect(arrivals()).toHaveLength(2)
  })

  it('revalidates a no-cache response on every use and serves the stored body on 304', async () => {
    const { url, arrivals } = route((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end()
      } else {
        res.writeHead(200, { etag: '"v1"', 'cache-control': 'no-cache' }).end('report v1')
      }
    })
    const http = client()
    const responses = [await http.get(url), await http.get(url), await http.get(url)]
    expect(arrivals()).toHaveLength(3)
    expect(arrivals().map((hit) => hit.headers['if-none-match'])).toEqual([
      undefined,
      '"v1"',
      '"v1"',
    ])
    expect(responses.map((response) => response.text())).toEqual([
      'report v1',
      'report v1',
      'report v1',
    ])
    expect(responses.map((response) => [response.status, response.revalidated])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ])
    expect(http.stats()).toMatchObject({ revalidations: 2, notModified: 2, hits: 0 })
  })

  it('revalidates with If-None-Match once max-age has passed and keeps serving the stored body', async () => {
    const { url, arrivals } = route((req, res) => {
      const headers = { etag: '"abc"', 'cache-control': 'max-age=1' }
      if (req.headers['if-none-match'] === '"abc"') res.writeHead(304, headers).end()
      else res.writeHead(200, headers).end('dataset')
    })
    const http = client()
    expect((await http.get(url)).fromCache).toBe(false)
    let last = await http.get(url)
    expect(last.fromCache).toBe(true)
    await waitFor(async () => {
      last = await http.get(url)
      return last.revalidated
    })
    expect(last.text()).toBe('dataset')
    expect(last.fromCache).toBe(true)
    expect(arrivals()).toHaveLength(2)
    expect(arrivals()[1]!.headers['if-none-match']).toBe('"abc"')
    // The 304 renewed freshness: the next call is a plain hit.
    const after = await http.get(url)
    expect([after.fromCache, after.revalidated]).toEqual([true, false])
    expect(arrivals()).toHaveLength(2)
  })

  it('revalidates with If-Modified-Since from Last-Modified', async () => {
    const modified = 'Wed, 01 Jan 2026 00:00:00 GMT'
    const { url, arrivals } = route((req, res) => {
      const headers = { 'last-modified': modified, 'cache-control': 'max-age=0' }
      if (req.headers['if-modified-since'] === modified) res.writeHead(304, headers).end()
      else res.writeHead(200, headers).end('prices')
    })
    const http = client()
    await http.get(url)
    const second = await http.get(url)
    expect(arrivals().map((hit) => hit.headers['if-modified-since'])).toEqual([undefined, modified])
    expect([second.text(), second.fromCache, second.revalidated]).toEqual(['prices', true, true])
  })

  it('replaces the stored response when revalidation returns a new one', async () => {
    let version = 1
    const { url } = route((req, res) => {
      const etag = `"v${version}"`
      if (req.headers['if-none-match'] === etag) res.writeHead(304, { etag }).end()
      else res.writeHead(200, { etag, 'cache-control': 'max-age=0' }).end(`v${version}`)
    })
    const http = client()
    await http.get(url)
    version = 2
    const changed = await http.get(url)
    expect([changed.text(), changed.fromCache]).toEqual(['v2', false])
    const confirmed = await http.get(url)
    expect([confirmed.text(), confirmed.revalidated]).toEqual(['v2', true])
  })

  it('forces revalidation for a request with Cache-Control: no-cache', async () => {
    const { url, arrivals } = route((req, res) => {
      if (req.headers['if-none-match'] === '"x"') res.writeHead(304, { etag: '"x"' }).end()
      else res.writeHead(200, { etag: '"x"', 'cache-control': 'max-age=60' }).end('x')
    })
    const http = client()
    await http.get(url)
    const forced = await http.get(url, { headers: { 'cache-control': 'no-cache' } })
    expect(forced.revalidated).toBe(true)
    expect(arrivals()).toHaveLength(2)
  })

  it('uses the default ttl when the response has no freshness information', async () => {
    const { url, arrivals } = route((_req, res) => res.writeHead(200).end('plain'))
    const http = client({ ttl: '300ms' })
    await http.get(url)
    expect((await http.get(url)).fromCache).toBe(true)
    expect(arrivals()).toHaveLength(1)
    await waitFor(async () => !(await http.get(url)).fromCache)
    expect(arrivals()).toHaveLength(2)
  })

  it('takes freshness from Expires when there is no max-age', async () => {
    const { url, arrivals } = route((_req, res) => {
      const now = Date.now()
      res
        .writeHead(200, {
          date: new Date(now).toUTCString(),
          expires: new Date(now + 60_000).toUTCString(),
        })
        .end('expires')
    })
    const http = client({ ttl: '1ms' })
    await http.get(url)
    expect((await http.get(url)).fromCache).toBe(true)
    expect(arrivals()).toHaveLength(1)
  })

  it('returns error statuses, storing 404 but not 500', async () => {
    const missing = route((_req, res) => res.writeHead(404).end('missing'))
    const broken = route((_req, res) => res.writeHead(500).end('broken'))
    const http = client()
    for (let i = 0; i < 2; i++) {
      const notFound = await http.get(missing.url)
      expect([notFound.status, notFound.ok, notFound.text()]).toEqual([404, false, 'missing'])
      expect((await http.get(broken.url)).status).toBe(500)
    }
    expect(missing.arrivals()).toHaveLength(1)
    expect(broken.arrivals()).toHaveLength(2)
  })

  it('hands Set-Cookie to the caller that got it but never stores it', async () => {
    const { url } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'set-cookie': 'session=abc' }).end('x')
    })
    const http = client()
    expect((await http.get(url)).headers['set-cookie']).toBe('session=abc')
    const cachedResponse = await http.get(url)
    expect(cachedResponse.fromCache).toBe(true)
    expect(cachedResponse.headers['set-cookie']).toBeUndefined()
  })
})

describe('cache keys', () => {
  it('keeps variants apart by the headers named in Vary', async () => {
    const { url, arrivals } = route((req, res) => {
      res
        .writeHead(200, { 'cache-control': 'max-age=60', vary: 'User-Agent' })
        .end(`for ${req.headers['user-agent']}`)
    })
    const http = client()
    const asBot = { headers: { 'user-agent': 'bot' } }
    const asBrowser = { headers: { 'user-agent': 'browser' } }
    expect((await http.get(url, asBot)).text()).toBe('for bot')
    expect((await http.get(url, asBrowser)).text()).toBe('for browser')
    const again = [await http.get(url, asBot), await http.get(url, asBrowser)]
    expect(again.map((response) => [response.text(), response.fromCache])).toEqual([
      ['for bot', true],
      ['for browser', true],
    ])
    expect(arrivals()).toHaveLength(2)
  })

  it('shares one entry between user agents when the response does not vary on it', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('same for all')
    })
    const http = client()
    await http.get(url, { headers: { 'user-agent': 'a' } })
    expect((await http.get(url, { headers: { 'user-agent': 'b' } })).fromCache).toBe(true)
    expect(arrivals()).toHaveLength(1)
  })

  it('does not store a response with Vary: *', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: '*' }).end('x')
    })
    const http = client()
    await http.get(url)
    await http.get(url)
    expect(arrivals()).toHaveLength(2)
  })

  it('never serves one caller’s credentials-bound response to another', async () => {
    const { url, arrivals } = route((req, res) => {
      res.writeHead(200, { 'cache-control': 'private, max-age=60' }).end(req.headers.authorization)
    })
    const http = client()
    const alice = await http.get(url, { headers: { authorization: 'Bearer alice' } })
    const bob = await http.get(url, { headers: { authorization: 'Bearer bob' } })
    expect([alice.text(), bob.text()]).toEqual(['Bearer alice', 'Bearer bob'])
    expect(arrivals()).toHaveLength(2)
    expect((await http.get(url, { headers: { authorization: 'Bearer alice' } })).fromCache).toBe(
      true,
    )
  })

  it('ignores the fragment of the URL', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('x')
    })
    const http = client()
    await http.get(`${url}#top`)
    await http.get(new URL(`${url}#bottom`))
    expect(arrivals()).toHaveLength(1)
  })
})

describe('concurrency and limits', () => {
  it('sends one upstream request for concurrent calls of the same URL', async () => {
    const { url, arrivals } = route((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' }).end('once')
    })
    const http = client()
    const responses = await Promise.all(Array.from({ length: 5 }, () => http.get(url)))
    expect(arrivals()).toHaveLength(1)
    expect(responses.every((response) => response.text() === 'once')).toBe(true)
    expect(http.stats()).toMatchObject({ requests: 5, coalesced: 4, upstreamRequests: 1 })
  })

  it('gives each caller of a shared request its own headers object', async () => {
    const { url } = route((_req, res) => res.writeHead(200, { 'x-a': '1' }).end())
    const http = client()
    const [first, second] = await Promise.all([http.get(url), http.get(url)])
    first.headers['x-a'] = 'changed'
    expect(second.headers['x-a']).toBe('1')
  })

  it('lets a caller give up without cancelling the request for the others', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const { url, arrivals } = route((_req, res) => {
      void released.then(() => res.writeHead(200).end('late'))
    })
    const http = client()
    const impatient = new AbortController()
    const first = http.get(url, { signal: impatient.signal })
    const second = http.get(url)
    await waitFor(() => Promise.resolve(arrivals().length === 1))
    const reason = new Error('user navigated away')
    impatient.abort(reason)
    await expect(first).rejects.toBe(reason)
    release()
    expect((await second).text()).toBe('late')
  })

  it('spaces requests to one host by the rate limit', async () => {
    const paths = Array.from({ length: 10 }, () =>
      route((_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end()),
    )
    const http = client({ perHost: { rps: 5 } })
    await Promise.all(paths.map(({ url }) => http.get(url)))
    const times = paths.map(({ arrivals }) => arrivals()[0]!.at).sort((a, b) => a - b)
    // 10 requests at 5 per second, one token at a time: 9 gaps of 200 ms.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_600)
    expect(http.stats().rateLimitedWaitMs).toBeGreaterThan(0)
  })

  it('spaces requests by the rate limit as they are sent, when connections are the bottleneck', async () => {
    // The origin answers in rounds, every 200 ms, so both pooled connections come free at once
    // while later requests wait for them: spacing taken when a request was admitted to wait
    // would send those two together.
    let firstArrival: number | undefined
    const respondInRounds: Handler = (_req, res) => {
      const now = performance.now()
      firstArrival ??= now
      const due = firstArrival + Math.ceil((now + 100 - firstArrival) / 200) * 200
      setTimeout(() => res.writeHead(200, { 'cache-control': 'no-store' }).end(), due - now)
    }
    const warmUp = route(respondInRounds)
    const pages = Array.from({ length: 8 }, () => route(respondInRounds))
    // When undici gave each request a connection (its `request:create` diagnostics channel: its
    // pool creates the request on the connection that will write it, once one is free).
    const handedOver = new Map<string, number>()
    const onCreate = (message: unknown) => {
      const { path } = (message as { request: { path: string } }).request
      handedOver.set(path, performance.now())
    }
    diagnosticsChannel.subscribe('undici:request:create', onCreate)
    try {
      const intervalMs = 50
      const http = client({ perHost: { rps: 1000 / intervalMs, connections: 2 } })
      // The first request of a client opens its pool; it is left out of the measure.
      await http.get(warmUp.url)
      await Promise.all(pages.map(({ url }) => http.get(url)))
      const sent = pages
        .map(({ url, arrivals }) => ({
          at: handedOver.get(new URL(url).pathname)!,
          arrived: arrivals()[0]!.at,
        }))
        .sort((a, b) => a.at - b.at)
      const gaps = sent.slice(1).map(({ at }, i) => at - sent[i]!.at)
      // Correctness, not speed: a request takes its rate-limit turn once it has its connection,
      // so no two requests go out much closer than the interval. Not exactly the interval: the
      // hand-over of the earlier request can lag its turn by a scheduling delay on a busy machine
      // (46 ms was seen once at load 12), which shortens the next measured gap. The bug this
      // guards against, turns taken while waiting for a connection, gave gaps of 0 to 28 ms.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(intervalMs * 0.8)
      // The origin saw them in that order. (Its receive times also carry the scheduling delays of
      // a busy machine, tens of ms under load, so the spacing is measured where requests leave.)
      expect([...sent].sort((a, b) => a.arrived - b.arrived)).toEqual(sent)
    } finally {
      diagnosticsChannel.unsubscribe('undici:request:create', onCreate)
    }
  })

  it('opens no more connections per origin than allowed', async () => {
    const paths = Array.from({ length: 8 }, () =>
      route((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'cache-control': 'no-store' }).end(), 20)
      }),
    )
    socketsOpened = 0
    peakInFlight = 0
    const http = client({ perHost: { connections: 2 } })
    const responses = await Promise.all(paths.map(({ url }) => http.get(url)))
    expect(responses.every((response) => response.status === 200)).toBe(true)
    expect(socketsOpened).toBeLessThanOrEqual(2)
    expect(peakInFlight).toBeLessThanOrEqual(2)
  })

  it('rejects with FetchFailedError naming the URL without its query on a timeout', async () => {
    const { url } = route(() => undefined)
    const http = client({ timeout: 150 })
    const error = await http.get(`${url}?token=s3cret`).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(FetchFailedError)
    expect(error).toMatchObject({ code: 'E_CORE_FETCH_FAILED', url })
    expect((error as Error).message).toMatch(/timed out after 150 ms/)
    expect((error as Error).message).not.toContain('s3cret')
    expect(http.stats().errors).toBe(1)
  })

  it('rejects a body larger than maxBodyBytes, declared or streamed', async () => {
    const declared = route((_req, res) => res.writeHead(200).end(Buffer.alloc(5_000)))
    const streamed = route((_req, res) => {
      res.writeHead(200)
      for (let i = 0; i < 5; i++) res.write(Buffer.alloc(1_000))
      res.end()
    })
    const http = client({ maxBodyBytes: 2_000 })
    for (const { url } of [declared, streamed]) {
      await expect(http.get(url)).rejects.toThrow(/exceeds maxBodyBytes \(2000 bytes\)/)
    }
  })

  it('rejects with FetchFailedError and the cause when the origin is unreachable', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const http = client()
    const error = await http
      .get(`http://127.0.0.1:${port}/x?key=secret`)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(FetchFailedError)
    expect(error).toMatchObject({ url: `http://127.0.0.1:${port}/x` })
    expect((error as Error).message).toContain('ECONNREFUSED')
    expect((error as Error).cause).toBeInstanceOf(Error)
  })
})

describe('responses and lifecycle', () => {
  it('decodes text with the charset of the content type', async () => {
    const { url } = route((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' })
      res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]))
    })
    expect((await client().get(url)).text()).toBe('café')
  })

  it('sends the configured user agent and headers, request headers winning', async () => {
    const { url, arrivals } = route((_req, res) => res.writeHead(204).end())
    const http = client({ userAgent: 'reports/2.0', headers: { 'X-Team': 'bi', Accept: 'a/b' } })
    await http.get(url, { headers: { accept: 'application/json' } })
    expect(arrivals()[0]!.headers).toMatchObject({
      'user-agent': 'reports/2.0',
      'x-team': 'bi',
      accept: 'application/json',
    })
  })

  it('rejects invalid URLs and options naming them', async () => {
    const http = client()
    await expect(http.get('not a url?token=secret')).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(http.get('not a url?token=secret')).rejects.not.toThrow(/secret/)
    await expect(http.get('ftp://example.com/file')).rejects.toMatchObject({ argument: 'url' })
    expect(() => createCachedFetch({ perHost: { connections: 0 } })).toThrow(
      /options\.perHost\.connections/,
    )
    expect(() => createCachedFetch({ perHost: { rps: -1 } })).toThrow(/options\.perHost\.rps/)
    expect(() => createCachedFetch({ timeout: 'soon' })).toThrow(/options\.timeout/)
    expect(() => createCachedFetch({ maxBodyBytes: 0 })).toThrow(/options\.maxBodyBytes/)
  })

  it('rejects calls after close() and closes only once', async () => {
    const { url } = route((_req, res) => res.writeHead(200).end())
    const http = client()
    await http.get(url)
    await Promise.all([http.close(), http.close()])
    await expect(http.get(url)).rejects.toMatchObject({
      code: 'E_CORE_FETCH_FAILED',
      message: expect.stringContaining('closed') as string,
    })
  })

  it('shares stored responses between clients through a Redis-backed cache', async () => {
    const prefix = `bi-perf-test:core-fetch:${randomUUID().slice(0, 8)}`
    const writerCache = createCache({ redis: redisUrl(), prefix, commandTimeout: '2s' })
    const readerCache = createCache({ redis: redisUrl(), prefix, commandTimeout: '2s' })
    try {
      // Commands are skipped while Redis is still connecting.
      for (const tiered of [writerCache, readerCache]) {
        await waitFor(() => Promise.resolve(tiered.stats().l2?.connection === 'ready'))
      }
      const { url, arrivals } = route((_req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60' }).end(Buffer.from([1, 2, 3]))
      })
      await client({ cache: writerCache }).get(url)
      const shared = await client({ cache: readerCache }).get(url)
      expect(shared.fromCache).toBe(true)
      expect([...shared.body]).toEqual([1, 2, 3])
      expect(arrivals()).toHaveLength(1)
      expect(readerCache.stats().l2?.errors).toBe(0)
    } finally {
      await writerCache.clear()
      await Promise.all([writerCache.close(), readerCache.close()])
    }
  })
})
