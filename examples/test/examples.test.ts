import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache } from '@bi-perf/cache'
import { createDatabase } from '@bi-perf/db'
import { postgresUrl, redisUrl } from '@bi-perf/test-services'
import { embeddedEnv, line, runExample } from './run-example.js'
import type { ExampleRun } from './run-example.js'

// Every example runs twice: with its embedded defaults (no service), then on the real Redis and
// PostgreSQL through REDIS_URL and DATABASE_URL, as a deployment would. The service runs get a
// Redis prefix and a PostgreSQL schema of their own, removed afterwards.

const runId = randomUUID().slice(0, 8)
const redisRoot = `examples-${runId}`
const schema = `examples_${runId}`
let runs = 0

/** The environment of a run on the services; `prefix` defaults to a new one per run. */
function servicesEnv(prefix = `${redisRoot}:${++runs}`): NodeJS.ProcessEnv {
  const database = new URL(postgresUrl())
  // node-postgres passes `options` to the server: the example's tables land in our schema.
  database.searchParams.set('options', `-c search_path=${schema}`)
  return {
    ...embeddedEnv(),
    REDIS_URL: redisUrl(),
    DATABASE_URL: database.href,
    BI_PERF_REDIS_PREFIX: prefix,
  }
}

/** A run that ended by itself with exit code 0 and a clean `stop()`. */
function expectClean(run: ExampleRun): string {
  expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0)
  expect(run.stdout).toMatch(/^stopped: clean$/m)
  return run.stdout
}

const modes = [
  { name: 'embedded', env: embeddedEnv, services: false },
  { name: 'on Redis and PostgreSQL', env: () => servicesEnv(), services: true },
]

beforeAll(async () => {
  const db = createDatabase({ url: postgresUrl() })
  await db.kysely.schema.createSchema(schema).execute()
  await db.close()
})

afterAll(async () => {
  const db = createDatabase({ url: postgresUrl() })
  await db.kysely.schema.dropSchema(schema).ifExists().cascade().execute()
  await db.close()
  // Every key the service runs wrote (cache entries, tag sets, BullMQ queues) is under the root.
  const redis = createCache({ redis: redisUrl(), prefix: redisRoot, commandTimeout: 2_000 })
  await redis.clear()
  await redis.close()
})

describe.each(modes)('analytics dashboard, $name', ({ env, services }) => {
  it('serves the aggregate from the cache until a write drops it, and reads insights computed by tasks', async () => {
    const out = expectClean(await runExample('analytics-dashboard/main.ts', env()))

    const backends = services
      ? 'database=postgres cache=redis (connected) tasks=bullmq'
      : 'database=pglite cache=memory tasks=memory'
    expect(out).toContain(`backends: ${backends}\n`)
    expect(out).toContain('seeded 2000 orders')
    expect(line(out, /^revenue by region, read 1: (\w+) in/)[1]).toBe('miss')
    expect(line(out, /^revenue by region, read 2: (\w+) in/)[1]).toBe('hit')
    expect(line(out, /^revenue by region, read 3 after an insert: (\w+) in/)[1]).toBe('miss')
    // The read after the insert is fresh: it includes the new 1,000.00 order.
    const [, before, after] = line(out, /^eu revenue ([\d.]+) -> ([\d.]+)$/)
    expect(Number(after) - Number(before)).toBeCloseTo(1000, 2)

    expect(line(out, /^insights: (\d+) computed by background tasks/)[1]).toBe('4')
    const shares = [...out.matchAll(/^insight (\w+): ([\d.]+) % of revenue/gm)]
    expect(shares.map((match) => match[1])).toEqual(['apac', 'eu', 'latam', 'us'])
    const total = shares.reduce((sum, match) => sum + Number(match[2]), 0)
    expect(total).toBeGreaterThan(99.7)
    expect(total).toBeLessThan(100.3)
  })
})

describe.each(modes)('AI response cache, $name', ({ env, services }) => {
  it('asks the model once per prompt, for concurrent callers and across batches', async () => {
    const out = expectClean(await runExample('ai-response-cache/main.ts', env()))

    expect(out).toContain(services ? 'cache: redis (connected)\n' : 'cache: memory\n')
    expect(out).toMatch(/^stampede: 25 concurrent calls for one prompt -> 1 model request\(s\)/m)
    expect(out).toMatch(/^repeat call: 0 model requests/m)
    // 40 prompts in chunks of 16: three batch requests, the first prompt already answered.
    expect(out).toMatch(
      /^batch: 40 prompts -> the model answered 39 in 3 requests, 1 from the cache/m,
    )
    expect(out).toMatch(/^batch again: 40 prompts -> 0 model requests, 40 from the cache/m)
    expect(out).toMatch(/^single call after the batch: 0 model requests$/m)
    expect(out).toMatch(
      /^cache: \d+ hits, 24 coalesced, 40 misses; model: 4 requests for 40 prompts$/m,
    )
  })
})

describe('AI response cache on Redis', () => {
  it('answers a second process from the answers the first one stored', async () => {
    const env = servicesEnv(`${redisRoot}:shared`)
    expectClean(await runExample('ai-response-cache/main.ts', env))
    const out = expectClean(await runExample('ai-response-cache/main.ts', env))

    expect(out).toMatch(/^stampede: 25 concurrent calls for one prompt -> 0 model request\(s\)/m)
    expect(out).toMatch(
      /^batch: 40 prompts -> the model answered 0 in 0 requests, 40 from the cache/m,
    )
    expect(out).toMatch(/; model: 0 requests for 0 prompts$/m)
  })
})

describe.each(modes)('scraper, $name', ({ env, services }) => {
  it('spaces requests per host, reuses pooled connections and serves repeats from the cache', async () => {
    const out = expectClean(await runExample('scraper/main.ts', env()))

    expect(out).toContain(
      `cache: ${services ? 'redis (connected)' : 'memory'}; per host: 10 requests/s, 2 connections`,
    )
    const crawl = line(out, /^crawl 1: 16 pages \(160 products\) from 2 hosts in (\d+) ms: (.*)$/)
    expect(crawl[2]).toBe('0 from the cache, 16 upstream requests')
    // At 10 requests/s, the eighth request to a host starts at least 700 ms after the first.
    expect(Number(crawl[1])).toBeGreaterThanOrEqual(700)
    const hosts = [
      ...out.matchAll(
        /^host \d: (\d+) requests, median gap ([\d.]+) ms .*, at most (\d+) at once, (\d+) connection\(s\)$/gm,
      ),
    ]
    expect(hosts).toHaveLength(2)
    for (const [, requests, gapMs, peak, connections] of hosts) {
      expect(Number(requests)).toBe(8)
      // The limit admits one request per 100 ms; arrivals at the origin jitter by a few ms.
      expect(Number(gapMs)).toBeGreaterThanOrEqual(90)
      expect(Number(peak)).toBeLessThanOrEqual(2)
      // Nine requests (the price list and eight pages) over at most two keep-alive connections.
      expect(Number(connections)).toBeLessThanOrEqual(2)
    }
    expect(out).toMatch(/^crawl 2: 16 pages in \d+ ms: 16 from the cache, 0 upstream requests$/m)
    expect(out).toMatch(
      /^prices again: status 200, from cache: true, revalidated: true \(origin sent 1 304\)$/m,
    )
  })
})
