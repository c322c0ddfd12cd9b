import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { appRoot } from '../src/app-root.js'
import { startDemoWorkload } from '../src/demo/workload.js'
import { mintCredentials } from './fuzz/auth-cases.js'
import { toRequestInit, type FuzzRequest } from './fuzz/fuzz-request.js'
import { listOperations, schemaResolver, type OpenApiDocument } from './fuzz/openapi-document.js'
import { operationRequests } from './fuzz/operation-requests.js'
import type { RequestContext } from './fuzz/request-parts.js'
import { ResponseChecker } from './fuzz/response-check.js'
import { prototypeProbes, strayRequests } from './fuzz/stray-requests.js'
import { makeApp, newSecret, redisUrl, silentLogger, stopAll } from './helpers.js'

// Every documented operation gets RUNS generated requests; STRAY_RUNS go to undocumented methods
// and sub-paths, after a fixed probe of prototype names in every path (~140): about 2 000 in
// all. A failure prints the seed and the shrunk request; FUZZ_SEED=<seed> replays it.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31
const RUNS = 95
const STRAY_RUNS = 100

/** What a stack trace or an internal path looks like in a body or a header. */
const LEAK_MARKERS = ['    at ', '/work/', 'node_modules', '.ts:', resolve(appRoot, '..', '..')]
const ALLOWED_ORIGIN = 'https://dashboard.example.com'

const secret = newSecret()
// Where the heap-snapshot route writes when the fuzzer calls it as admin; removed at the end.
const snapshotDir = mkdtempSync(join(tmpdir(), 'bi-perf-fuzz-heap-'))
const metricsToken = randomBytes(24).toString('base64url')
const shutdown = new AbortController()
// The production environment, Redis behind the cache, the task queue and the rate limiter;
// PGlite for the database. The limit is far above the run's requests: the limiter itself is
// tested in rate-limit.test.ts, and here every request must reach its route. No worker: enqueued
// scrape tasks wait in the run's own queue and are deleted with it.
// A small demo dataset, so /analytics/dashboard answers 200 and its body is checked too.
const { app, config, demo } = await makeApp({
  secret,
  demo: (started) =>
    startDemoWorkload(started, silentLogger(), {
      dataset: { rows: 3_000 },
      refreshInterval: '1h',
    }),
  environment: 'production',
  shutdown: shutdown.signal,
  config: {
    redis: { url: redisUrl() },
    tasks: { worker: false },
    memory: { heapSnapshotDir: snapshotDir },
    server: {
      metricsToken,
      rateLimit: { requests: 1_000_000, window: '1m' },
      cors: { origins: [ALLOWED_ORIGIN] },
    },
  },
})
await demo!.ready

const document = (await (await app.request('/openapi.json')).json()) as OpenApiDocument
const operations = listOperations(document)
const checker = new ResponseChecker(document, operations, LEAK_MARKERS)
const credentials = await mintCredentials(secret, metricsToken)
const context: RequestContext = {
  resolve: schemaResolver(document),
  allowedOrigin: ALLOWED_ORIGIN,
  leakMarkers: LEAK_MARKERS,
}

/** Statuses seen per operation (`METHOD path`, or `stray`), printed at the end. */
const statuses = new Map<string, Map<number, number>>()

async function send(label: string, request: FuzzRequest): Promise<number> {
  const response = await app.request(...toRequestInit(request, credentials))
  const seen = statuses.get(label) ?? new Map<number, number>()
  seen.set(response.status, (seen.get(response.status) ?? 0) + 1)
  statuses.set(label, seen)
  await checker.check(request, response)
  return response.status
}

afterAll(async () => {
  const summary = [...statuses].map(
    ([label, seen]) =>
      `${label}: ${[...seen]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
  )
  console.log(`openapi fuzz, seed ${SEED}:\n  ${summary.join('\n  ')}`)
  shutdown.abort()
  await demo!.close()
  await stopAll()
  rmSync(snapshotDir, { recursive: true, force: true })
  // The queue's jobs and anything else the run wrote under its own prefix.
  const redis = new Redis(redisUrl())
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${config.redis.prefix}*`,
        'COUNT',
        1000,
      )
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
})

describe('the API fuzzed from its own /openapi.json', () => {
  it('documents the operations the fuzz generates requests for', () => {
    expect(operations.length).toBeGreaterThanOrEqual(19)
    expect(Object.keys(document.components.schemas)).toContain('Error')
  })

  it.each(
    operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const),
  )(
    '%s answers no 5xx and no leak, with 4xx in the Error shape and 2xx as documented',
    async (label, operation) => {
      let successes = 0
      await fc.assert(
        fc.asyncProperty(operationRequests(operation, context), async (request) => {
          if ((await send(label, request)) < 300) successes++
        }),
        { numRuns: RUNS, seed: SEED },
      )
      // Not vacuous: valid requests reached the handler and its 2xx body was checked.
      expect(successes).toBeGreaterThan(0)
    },
    60_000,
  )

  it('answers undocumented methods, sub-paths and prototype names with no 5xx and no leak, 4xx in the Error shape', async () => {
    const probes = prototypeProbes(operations)
    await fc.assert(
      fc.asyncProperty(strayRequests(operations, context), async (request) => {
        await send('stray', request)
      }),
      // fast-check counts the examples in numRuns.
      {
        numRuns: probes.length + STRAY_RUNS,
        seed: SEED,
        examples: probes.map((probe) => [probe]),
      },
    )
  }, 60_000)
})
