// createCachedFetch beside what a user would otherwise pick: undici's own RFC 9111 cache
// interceptor (in-memory store), and uncached undici request() / fetch() against a loopback
// server. Run alone with `node --import tsx bench/cached-fetch.ts` from packages/core.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { machine, measure, report } from '@bi-perf/bench'
import { createCache } from '@bi-perf/cache'
import { Agent, interceptors, request } from 'undici'
import { createCachedFetch } from '../src/cached-fetch/cached-fetch.js'

const BODY = JSON.stringify({
  rows: Array.from({ length: 50 }, (_, i) => ({ id: i, region: 'eu', total: i * 1.5 })),
})
const CONCURRENT = 64

/** Runs the cached-fetch benchmarks and returns their Markdown tables. */
export async function cachedFetchBench(): Promise<string> {
  let upstream = 0
  const server = createServer((_req, res) => {
    upstream++
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' })
    res.end(BODY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sales`

  const cache = createCache()
  const ours = createCachedFetch({ cache })
  const undiciCached = new Agent().compose(interceptors.cache())
  const plain = new Agent()
  const viaUndiciCache = async () => {
    const response = await request(url, { dispatcher: undiciCached })
    return response.body.text()
  }
  const viaRequest = async () => {
    const response = await request(url, { dispatcher: plain })
    return response.body.text()
  }
  await ours.get(url)
  await viaUndiciCache()

  const hits = await measure([
    { name: 'createCachedFetch', fn: async () => (await ours.get(url)).text() },
    { name: 'undici cache interceptor', fn: viaUndiciCache },
    { name: 'undici request (no cache)', fn: viaRequest },
    { name: 'fetch (no cache)', fn: async () => (await fetch(url)).text() },
  ])
  const hitTable = report('GET of a fresh cached 2 KB JSON response', hits, [
    'undici cache interceptor',
    'undici request (no cache)',
  ])

  // Cold bursts: 64 concurrent GETs of a URL nobody has cached yet (a new URL per call).
  let round = 0
  const before = upstream
  const burst = await measure([
    {
      name: 'createCachedFetch',
      opsPerCall: CONCURRENT,
      fn: async () => {
        const cold = `${url}?round=${round++}`
        await Promise.all(Array.from({ length: CONCURRENT }, () => ours.get(cold)))
      },
    },
    {
      name: 'undici cache interceptor',
      opsPerCall: CONCURRENT,
      fn: async () => {
        const cold = `${url}?round=${round++}`
        await Promise.all(
          Array.from({ length: CONCURRENT }, async () => {
            const response = await request(cold, { dispatcher: undiciCached })
            return response.body.text()
          }),
        )
      },
    },
  ])
  const burstTable = report(`${CONCURRENT} concurrent GETs of one uncached URL`, burst, [
    'undici cache interceptor',
  ])
  console.log(`upstream requests during the bursts: ${upstream - before}\n`)

  await Promise.all([ours.close(), undiciCached.close(), plain.close(), cache.close()])
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  return `${hitTable}\n${burstTable}`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`cached-fetch benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
  await cachedFetchBench()
}
