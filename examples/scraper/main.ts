/* eslint-disable no-console -- an example reports what it did on stdout */
// A scraper on bi-perf's caching HTTP client: responses are cached as their Cache-Control says
// (and revalidated with ETag), each host gets its own rate limit and its own small pool of
// keep-alive connections, and identical requests in flight are sent once. The example starts two
// local shop sites on 127.0.0.1 and crawls them; no request leaves the machine.
//
//   node --import tsx examples/scraper/main.ts                              # in-process cache
//   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/scraper/…   # shared via Redis
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { createCachedFetch, createOptimizer, loadConfig } from '@bi-perf/core'
import { startOrigin } from './origin-server.js'

const RPS = 10 // requests per second to any one host: one every 100 ms
const CONNECTIONS = 2 // keep-alive connections per host
const PAGES = 8 // pages crawled per site
// A page takes 120 ms to render: longer than the 100 ms between requests, so two are in flight at
// once, but shorter than two intervals, so the rate limit (not the pool) paces the crawl.
const RENDER_MS = 120

interface Catalog {
  page: number
  products: { sku: string; price: number }[]
}

// Built-in defaults ← bi-perf.yaml beside this file ← environment (REDIS_URL, BI_PERF_*).
const config = await loadConfig({ file: fileURLToPath(new URL('bi-perf.yaml', import.meta.url)) })
const perf = await createOptimizer(config)
const sites = [await startOrigin({ delayMs: RENDER_MS }), await startOrigin({ delayMs: RENDER_MS })]

// Responses live in the optimizer's cache (Redis when configured), in a namespace of their own.
const http = createCachedFetch({
  cache: perf.cache!.namespace('http'),
  ttl: '10m', // freshness of responses that state none
  perHost: { connections: CONNECTIONS, rps: RPS },
  timeout: '10s',
  userAgent: 'bi-perf-example-scraper',
})

/** Fetches every page of both sites at once: the client queues them per host. */
async function crawl() {
  const urls = sites.flatMap((site) =>
    Array.from({ length: PAGES }, (_, i) => `${site.url}/products?page=${i + 1}`),
  )
  const before = http.stats().upstreamRequests
  const started = performance.now()
  const pages = await Promise.all(urls.map((url) => http.get(url)))
  return {
    pages: pages.length,
    products: pages.reduce((sum, page) => sum + page.json<Catalog>().products.length, 0),
    fromCache: pages.filter((page) => page.fromCache).length,
    upstream: http.stats().upstreamRequests - before,
    ms: (performance.now() - started).toFixed(0),
  }
}

try {
  await perf.start()
  await runScraper()
} finally {
  // The client's connections first, then the sites, then the optimizer (cache, monitor…), even
  // after an error: no timer or socket is left, so the process ends by itself.
  await http.close()
  await Promise.all(sites.map((site) => site.close()))
  const { clean, problems } = await perf.stop()
  console.log(`stopped: ${clean ? 'clean' : JSON.stringify(problems)}`)
  if (!clean) process.exitCode = 1
}

async function runScraper() {
  const cacheState = await perf.cache!.ready()
  console.log(
    `cache: ${cacheState === 'memory' ? 'memory' : `redis (${cacheState})`}; per host: ${RPS} requests/s, ${CONNECTIONS} connections`,
  )

  // First the price list of each site: a `no-cache` response, stored with its ETag. This also
  // opens the first keep-alive connection to each host.
  for (const site of sites) await http.get(`${site.url}/prices`)

  const crawlStart = sites.map((site) => site.log.arrivals.length)
  const first = await crawl()
  console.log(
    `crawl 1: ${first.pages} pages (${first.products} products) from ${sites.length} hosts in ${first.ms} ms: ${first.fromCache} from the cache, ${first.upstream} upstream requests`,
  )
  // What each origin saw of the crawl: requests spaced by the host's rate limit (the median gap:
  // a busy event loop may send one request late, shortening the gap after it), at most
  // CONNECTIONS at once, over reused keep-alive connections.
  for (const [i, site] of sites.entries()) {
    const arrivals = site.log.arrivals.slice(crawlStart[i])
    const gaps = arrivals
      .slice(1)
      .map((at, j) => at - arrivals[j]!)
      .sort((a, b) => a - b)
    console.log(
      `host ${i + 1}: ${arrivals.length} requests, median gap ${gaps[gaps.length >> 1]!.toFixed(1)} ms (limit ${1000 / RPS} ms), at most ${site.log.peakInFlight} at once, ${site.log.connections} connection(s)`,
    )
  }

  const second = await crawl()
  console.log(
    `crawl 2: ${second.pages} pages in ${second.ms} ms: ${second.fromCache} from the cache, ${second.upstream} upstream requests`,
  )

  // `no-cache` responses are confirmed with the origin before each use: the client sends
  // If-None-Match, the origin answers 304 without a body, and the stored body is served.
  const prices = await http.get(`${sites[0]!.url}/prices`)
  console.log(
    `prices again: status ${prices.status}, from cache: ${prices.fromCache}, revalidated: ${prices.revalidated} (origin sent ${sites[0]!.log.notModified} 304)`,
  )

  const stats = http.stats()
  console.log(
    `http client: ${stats.requests} requests, ${stats.hits} hits, ${stats.misses} misses, ${stats.notModified} not modified, ${stats.upstreamRequests} upstream, ${stats.rateLimitedWaitMs.toFixed(0)} ms rate-limited`,
  )
}
