import { randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCache, type Cache } from '@bi-perf/cache'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { afterEach, describe, expect, it } from 'vitest'
import { createCachedFetch } from '../src/cached-fetch/cached-fetch.js'
import type { CachedFetch, CachedFetchOptions } from '../src/cached-fetch/types.js'

// The RFC 9111 behaviour of createCachedFetch, each test against its own origin on loopback and a
// real cache: in-process (a private cache) or on Redis (a cache shared between instances).

interface Origin {
  url: string
  /** What the origin received, in order; `at` is performance.now() on arrival. */
  arrivals: { headers: IncomingHttpHeaders; at: number }[]
}

const cleanups: (() => Promise<unknown>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startOrigin(
  handler: (req: IncomingMessage, res: ServerResponse, arrival: number) => void,
): Promise<Origin> {
  const arrivals: Origin['arrivals'] = []
  const server = createServer((req, res) => {
    arrivals.push({ headers: req.headers, at: performance.now() })
    handler(req, res, arrivals.length)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/resource`, arrivals }
}

function client(cache: Cache, options: CachedFetchOptions = {}): CachedFetch {
  const created = createCachedFetch({ cache, ...options })
  cleanups.push(() => created.close())
  return created
}

function privateCache(): Cache {
  const cache = createCache()
  cleanups.push(() => cache.close())
  return cache
}

/** Two caches on one fresh Redis prefix: two instances sharing their responses. */
async function sharedCaches(): Promise<[Cache, Cache]> {
  const prefix = `bi-perf-test:core-rfc9111:${randomUUID().slice(0, 8)}`
  const caches = [0, 1].map(() => createCache({ redis: redisUrl(), prefix, commandTimeout: '2s' }))
  cleanups.push(async () => {
    await caches[0]!.clear()
    await Promise.all(caches.map((cache) => cache.close()))
  })
  for (const cache of caches) expect(await cache.ready()).toBe('connected')
  return [caches[0]!, caches[1]!]
}

/** Answers 304 when the request's If-None-Match is the ETag, else 200 with the body. */
function conditional(res: ServerResponse, req: IncomingMessage, headers: Record<string, string>) {
  if (req.headers['if-none-match'] === headers.etag) res.writeHead(304, headers).end()
  else res.writeHead(200, headers).end('body')
}

const httpDate = (epochMs: number) => new Date(epochMs).toUTCString()

describe('private and shared caches (RFC 9111 sections 3 and 5.2.2.7, 5.2.2.10)', () => {
  it('stores a private response in an in-process cache but not in a Redis-shared one', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'private, max-age=60' }).end('my basket')
    })
    const own = client(privateCache())
    await own.get(origin.url)
    expect((await own.get(origin.url)).fromCache).toBe(true)
    expect(origin.arrivals).toHaveLength(1)

    const [first, second] = await sharedCaches()
    const instanceA = client(first)
    const instanceB = client(second)
    await instanceA.get(origin.url)
    const again = await instanceA.get(origin.url)
    const other = await instanceB.get(origin.url)
    expect([again.fromCache, other.fromCache]).toEqual([false, false])
    expect(origin.arrivals).toHaveLength(4)
    expect(instanceA.stats()).toMatchObject({ stored: 0, notStored: 2 })
  })

  it('does not store a response to a request with Authorization in a shared cache unless it is public', async () => {
    const origin = await startOrigin((req, res) => {
      const cacheControl = req.url === '/public' ? 'public, max-age=60' : 'max-age=60'
      res.writeHead(200, { 'cache-control': cacheControl }).end('report')
    })
    const [shared] = await sharedCaches()
    const http = client(shared)
    const withToken = { headers: { authorization: 'Bearer alice' } }
    const base = origin.url.replace('/resource', '')
    for (const path of ['/personal', '/public']) {
      await http.get(`${base}${path}`, withToken)
      await http.get(`${base}${path}`, withToken)
    }
    expect(origin.arrivals).toHaveLength(3)
    expect(http.stats()).toMatchObject({ hits: 1, stored: 1, notStored: 2 })
  })

  it('ignores s-maxage in a private cache and honours it in a shared one', async () => {
    const headers = { 'cache-control': 'max-age=0, s-maxage=60', etag: '"v1"' }
    const origin = await startOrigin((req, res) => conditional(res, req, headers))
    const own = client(privateCache())
    await own.get(origin.url)
    const revalidated = await own.get(origin.url)
    expect([revalidated.fromCache, revalidated.revalidated]).toEqual([true, true])
    expect(origin.arrivals.map((arrival) => arrival.headers['if-none-match'])).toEqual([
      undefined,
      '"v1"',
    ])

    const [first, second] = await sharedCaches()
    await client(first).get(origin.url)
    const hit = await client(second).get(origin.url)
    expect([hit.fromCache, hit.revalidated]).toEqual([true, false])
    expect(origin.arrivals).toHaveLength(3)
  })
})

describe('request directives (RFC 9111 section 5.2.1)', () => {
  it('revalidates for no-cache, max-age=0, an older max-age or an unmet min-fresh, and serves the stored response otherwise', async () => {
    // Stored at age 30 of a 600 s lifetime: 570 s of freshness left.
    const headers = { 'cache-control': 'max-age=600', age: '30', etag: '"r1"' }
    const origin = await startOrigin((req, res) => conditional(res, req, headers))
    const http = client(privateCache())
    await http.get(origin.url)
    const outcome = async (cacheControl: string) => {
      const before = origin.arrivals.length
      const response = await http.get(origin.url, { headers: { 'cache-control': cacheControl } })
      expect(response.fromCache).toBe(true)
      return origin.arrivals.length > before ? 'revalidated' : 'served'
    }
    expect(await outcome('no-cache')).toBe('revalidated')
    expect(await outcome('max-age=0')).toBe('revalidated')
    expect(await outcome('max-age=10')).toBe('revalidated')
    expect(await outcome('max-age=100')).toBe('served')
    expect(await outcome('min-fresh=500')).toBe('served')
    expect(await outcome('min-fresh=590')).toBe('revalidated')
    expect(origin.arrivals.slice(1).every((arrival) => arrival.headers['if-none-match'])).toBe(true)
  })
})

describe('Age (RFC 9111 section 4.2.3)', () => {
  it('counts the time in flight and the time stored', async () => {
    const flightMs = 600
    const origin = await startOrigin((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'cache-control': 'max-age=600', age: '10' }).end('slow report')
      }, flightMs)
    })
    const http = client(privateCache())
    const sent = performance.now()
    expect((await http.get(origin.url)).headers.age).toBe('10')
    const servedFrom = performance.now()
    const stored = await http.get(origin.url)
    const servedBy = performance.now()
    // age = age_value + (now - request_time): the request left between `sent` and its arrival at
    // the origin (Date.now() has millisecond steps, hence the 2 ms).
    const youngest = 10 + (servedFrom - origin.arrivals[0]!.at) / 1000
    const oldest = 10 + (servedBy - sent + 2) / 1000
    const age = Number(stored.headers.age)
    expect(stored.fromCache).toBe(true)
    expect(age).toBeGreaterThanOrEqual(Math.round(youngest))
    expect(age).toBeGreaterThanOrEqual(11)
    expect(age).toBeLessThanOrEqual(Math.round(oldest))
    // Time stored adds up: Age reads 12 only once 1.5 s have passed since the request was sent.
    await waitFor(async () => Number((await http.get(origin.url)).headers.age) >= 12, {
      timeoutMs: 5_000,
      what: 'Age to reach 12',
    })
    expect(performance.now() - sent).toBeGreaterThanOrEqual(1_500 - 2)
    expect(origin.arrivals).toHaveLength(1)
  })
})

describe('heuristic freshness (RFC 9111 section 4.2.2)', () => {
  it('keeps a response without explicit freshness fresh for 10 % of its time since Last-Modified, within ttl', async () => {
    const now = Date.now()
    // Last modified 1000 s ago: heuristically fresh for 100 s.
    const origin = await startOrigin((req, res) => {
      const age = new URL(req.url!, 'http://x').searchParams.get('age')!
      conditional(res, req, {
        date: httpDate(now),
        'last-modified': httpDate(now - 1_000_000),
        etag: '"h1"',
        age,
      })
    })
    const http = client(privateCache())
    for (const age of ['50', '150']) {
      await http.get(`${origin.url}?age=${age}`)
      await http.get(`${origin.url}?age=${age}`)
    }
    // Age 50 of 100: served; age 150: stale, revalidated.
    expect(origin.arrivals.map((arrival) => arrival.headers['if-none-match'])).toEqual([
      undefined,
      undefined,
      '"h1"',
    ])

    // A year-old Last-Modified would give 36 days; ttl bounds the heuristic to 60 s.
    const old = await startOrigin((req, res) => {
      conditional(res, req, {
        'last-modified': httpDate(now - 365 * 86_400_000),
        etag: '"y1"',
        age: '90',
      })
    })
    const bounded = client(privateCache(), { ttl: '60s' })
    await bounded.get(old.url)
    expect((await bounded.get(old.url)).revalidated).toBe(true)
  })
})

describe('stale-while-revalidate (RFC 5861)', () => {
  it('serves the stale response at once while one background request revalidates it', async () => {
    let releaseRevalidation!: () => void
    const revalidationHeld = new Promise<void>((resolve) => (releaseRevalidation = resolve))
    const origin = await startOrigin((_req, res, arrival) => {
      if (arrival === 1) {
        // Stale on arrival (age 100 of 60), inside its 600 s stale-while-revalidate window.
        const headers = { 'cache-control': 'max-age=60, stale-while-revalidate=600', age: '100' }
        res.writeHead(200, { ...headers, etag: '"v1"' }).end('v1')
      } else {
        void revalidationHeld.then(() => {
          res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"v2"' }).end('v2')
        })
      }
    })
    const http = client(privateCache())
    await http.get(origin.url)
    const stale = await http.get(origin.url)
    expect([stale.text(), stale.fromCache, Number(stale.headers.age) >= 100]).toEqual([
      'v1',
      true,
      true,
    ])
    await waitFor(() => origin.arrivals.length === 2, { what: 'the background revalidation' })
    expect(origin.arrivals[1]!.headers['if-none-match']).toBe('"v1"')
    // While it runs, later callers get the stale response too, and no second request goes out.
    expect((await http.get(origin.url)).text()).toBe('v1')
    releaseRevalidation()
    await waitFor(async () => (await http.get(origin.url)).text() === 'v2', {
      what: 'the revalidated response to be stored',
    })
    expect(origin.arrivals).toHaveLength(2)
    expect(http.stats()).toMatchObject({ misses: 1, revalidations: 1, errors: 0 })
  })
})

describe('revalidation (RFC 9111 sections 3.2 and 4.3.4)', () => {
  it('updates the stored policy from a 304, adding headers the stored response lacked, for every instance', async () => {
    const origin = await startOrigin((req, res) => {
      if (req.headers['if-none-match'] === '"p1"') {
        res.writeHead(304, { etag: '"p1"', 'cache-control': 'max-age=60' }).end()
      } else {
        // Expired on arrival and without Cache-Control: stored only to be revalidated.
        res.writeHead(200, { etag: '"p1"', expires: httpDate(Date.now() - 60_000) }).end('prices')
      }
    })
    const [first, second] = await sharedCaches()
    const instanceA = client(first)
    await instanceA.get(origin.url)
    const confirmed = await instanceA.get(origin.url)
    expect([confirmed.text(), confirmed.revalidated]).toEqual(['prices', true])
    expect(confirmed.headers['cache-control']).toBe('max-age=60')
    const fromOther = await client(second).get(origin.url)
    expect([fromOther.text(), fromOther.fromCache, fromOther.revalidated]).toEqual([
      'prices',
      true,
      false,
    ])
    expect(origin.arrivals).toHaveLength(2)
  })

  it('keeps Vary variants apart between instances and revalidates each with its own validator', async () => {
    const origin = await startOrigin((req, res) => {
      const type = req.headers.accept === 'text/csv' ? 'csv' : 'json'
      conditional(res, req, { 'cache-control': 'max-age=0', vary: 'Accept', etag: `"${type}"` })
    })
    const [first, second] = await sharedCaches()
    const asCsv = { headers: { accept: 'text/csv' } }
    const asJson = { headers: { accept: 'application/json' } }
    await client(first).get(origin.url, asCsv)
    await client(first).get(origin.url, asJson)
    const other = client(second)
    const [csv, json] = [await other.get(origin.url, asCsv), await other.get(origin.url, asJson)]
    expect([csv.revalidated, json.revalidated]).toEqual([true, true])
    expect(origin.arrivals.map((arrival) => arrival.headers['if-none-match'])).toEqual([
      undefined,
      undefined,
      '"csv"',
      '"json"',
    ])
  })
})

describe('the cache option', () => {
  it('keeps responses in the cache as given, under no namespace of its own', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('x')
    })
    const root = privateCache()
    await client(root.namespace('scraper')).get(origin.url)
    expect(await root.clear('scraper:http:*')).toBe(0)
    expect(await root.clear('scraper:*')).toBe(1)
  })
})
