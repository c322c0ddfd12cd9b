// The scaled-out topology, for real: a 3-master Redis Cluster, 3 API instances (producer-only)
// and 3 worker processes against the shared PostgreSQL, started once for this file by the same
// code as `pnpm topology:up`. Processes run the TypeScript sources through tsx (like the
// workspace packages resolve to theirs in tests), so no build of dist/ races another test's.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type Database } from '@bi-perf/db'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addApi,
  killProcess,
  mintToken,
  ROOT,
  startTopology,
  stopProcess,
  stopTopology,
  type TopologyState,
} from '../../../scripts/topology/topology.mjs'
import { postgresUrl, waitForValue } from './helpers.js'

/** Requests one client may make per minute on the whole topology (the rate-limit test's budget). */
const RATE_LIMIT = 40
const TASKS = 5_000

let state: TopologyState
let db: Database<unknown>
const batches: string[] = []

beforeAll(async () => {
  state = await startTopology({
    dir: mkdtempSync(join(tmpdir(), 'bi-perf-topology-')),
    databaseUrl: postgresUrl(),
    nodeArgs: ['--conditions=@bi-perf/source', '--import', 'tsx'],
    apiEntry: join(ROOT, 'apps/api/src/main.ts'),
    workerEntry: join(ROOT, 'apps/api/src/worker.ts'),
    env: {
      BI_PERF_SERVER_RATE_LIMIT_REQUESTS: String(RATE_LIMIT),
      // A killed worker's tasks are back in the queue after about lockDuration + stalledInterval.
      BI_PERF_TASKS_LOCK_DURATION: '4s',
      BI_PERF_TASKS_STALLED_INTERVAL: '2s',
    },
    readyTimeoutMs: 90_000,
  })
  db = createDatabase({ url: postgresUrl(), pool: { max: 2 } })
}, 180_000)

afterAll(async () => {
  if (db && batches.length > 0) {
    for (const table of ['demo_scrape_results', 'demo_scrape_runs']) {
      await sql`delete from ${sql.table(table)} where batch_id = any(${batches})`.execute(db.kysely)
    }
  }
  await db?.close()
  if (state) await stopTopology(state)
}, 60_000)

/** A token of its own subject per call unless one is given: rate limits are per subject. */
function headers(role: 'viewer' | 'admin' = 'viewer', sub: string = randomUUID()) {
  return {
    Authorization: `Bearer ${mintToken(state.secret, { sub, role })}`,
    'Content-Type': 'application/json',
  }
}

async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { headers: headers(), ...init })
  if (!response.ok) {
    throw new Error(`${url}: ${response.status} ${await response.text()}\n${apiErrors()}`)
  }
  return (await response.json()) as T
}

/** The error lines the API processes logged (the cause of a 500 is only there). */
function apiErrors(): string {
  return state.apis
    .flatMap((api) => readFileSync(api.log, 'utf8').split('\n'))
    .filter((line) => /"level":(50|60)/.test(line))
    .slice(-5)
    .join('\n')
}

interface Status {
  instance: string
  instances: string[]
  profile: string
}
interface Progress {
  batchId: string
  done: number
  runs: number
  cached: boolean
}

describe('scaled-out topology (3-master Redis Cluster, 3 APIs, 3 workers)', () => {
  it('each API names itself and sees every live instance, workers included', async () => {
    const everyone = [...state.apis, ...state.workers].map((p) => p.instance).sort()
    for (const api of state.apis) {
      const status = await waitForValue(
        async () => {
          const s = await getJson<Status>(`${api.url}/performance/status`)
          return everyone.every((name) => s.instances.includes(name)) && s
        },
        { timeoutMs: 20_000, what: `${api.name} seeing every instance`, intervalMs: 500 },
      )
      expect(status.instance).toBe(api.instance)
      expect([...status.instances].sort()).toEqual(everyone)
      expect(status.instances.filter((n) => state.apis.some((a) => a.instance === n))).toHaveLength(
        3,
      )
    }
  })

  it('limits a client on instance B once it used its budget on instance A', async () => {
    const [a, b] = state.apis
    const client = headers('viewer', `limited-${randomUUID()}`)
    const statuses: number[] = []
    for (let i = 0; i < RATE_LIMIT; i++) {
      statuses.push((await fetch(`${a!.url}/performance/status`, { headers: client })).status)
    }
    expect(statuses.every((s) => s === 200)).toBe(true)
    const limited = await fetch(`${b!.url}/performance/status`, { headers: client })
    expect(limited.status).toBe(429)
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
      'E_API_RATE_LIMITED',
    )
    // Another client on B is not affected: the counter is per client, shared by the instances.
    expect((await fetch(`${b!.url}/performance/status`, { headers: headers() })).status).toBe(200)
  })

  it('drops the copy instance B cached when the tag is cleared through instance A', async () => {
    const [a, b, c] = state.apis
    const batchId = `cache-${randomUUID().slice(0, 8)}`
    batches.push(batchId)
    const url = (api: { url: string }) => `${api.url}/analytics/scrape/${batchId}`
    await getJson<Progress>(url(b!))
    const cachedOnB = await getJson<Progress>(url(b!))
    expect(cachedOnB.cached).toBe(true)
    // C never read it: it gets B's result from the shared tier (the cluster).
    expect((await getJson<Progress>(url(c!))).cached).toBe(true)

    const cleared = await getJson<{ removed: number }>(`${a!.url}/performance/cache/clear`, {
      method: 'POST',
      headers: headers('admin'),
      body: JSON.stringify({ tags: ['scrape'] }),
    })
    expect(cleared.removed).toBeGreaterThanOrEqual(1)
    // The invalidation travels by pub/sub: B's in-process copy goes within moments, long before
    // the 30 s TTL could explain a miss.
    const recomputed = await waitForValue(
      async () => {
        const p = await getJson<Progress>(url(b!))
        return !p.cached && p
      },
      { timeoutMs: 5_000, what: 'B recomputing after the clear', intervalMs: 20 },
    )
    expect(recomputed).toMatchObject({ batchId, done: 0, runs: 0, cached: false })
  })

  it(`completes ${TASKS} tasks enqueued through three APIs exactly once in effect, a worker SIGKILLed mid-run`, async () => {
    const batchId = `load-${randomUUID().slice(0, 8)}`
    batches.push(batchId)
    const share = Math.ceil(TASKS / state.apis.length)
    const started = Date.now()
    const enqueued = await Promise.all(
      state.apis.map((api, i) =>
        getJson<{ batchId: string; enqueued: number }>(`${api.url}/analytics/scrape`, {
          method: 'POST',
          headers: headers('admin'),
          body: JSON.stringify({
            batchId,
            start: i * share + 1,
            count: Math.min(share, TASKS - i * share),
          }),
        }),
      ),
    )
    expect(enqueued.reduce((sum, r) => sum + r.enqueued, 0)).toBe(TASKS)

    const progress = (i = 0) =>
      getJson<Progress>(`${state.apis[i % 3]!.url}/analytics/scrape/${batchId}?fresh=true`)
    let reads = 0
    const before = await waitForValue(
      async () => {
        const p = await progress(reads++)
        return p.done >= 1_000 && p
      },
      {
        timeoutMs: 60_000,
        what: '1,000 tasks done',
        intervalMs: 50,
      },
    )
    const victim = state.workers[0]!
    await killProcess(victim)
    const killedAt = Date.now()
    // Mid-run: most of the batch was still to do when the worker died.
    expect(before.done).toBeLessThan(TASKS)

    const after = await waitForValue(
      async () => {
        const p = await progress(reads++)
        return p.done >= TASKS && p
      },
      {
        timeoutMs: 90_000,
        what: `all ${TASKS} tasks done`,
        intervalMs: 250,
      },
    )
    expect(after.done).toBe(TASKS)
    expect(after.runs).toBeGreaterThanOrEqual(TASKS)

    const { rows } = await sql<{ worker: string; runs: number; results: number }>`
        select r.worker, count(*)::int as runs,
               (select count(*) from demo_scrape_results s
                 where s.batch_id = ${batchId} and s.worker = r.worker)::int as results
        from demo_scrape_runs r where r.batch_id = ${batchId} group by r.worker
      `.execute(db.kysely)
    // The killed worker took part before it died; the others finished the batch.
    expect(rows.find((row) => row.worker === victim.instance)?.runs ?? 0).toBeGreaterThan(0)
    expect(rows.length).toBeGreaterThanOrEqual(2)
    console.info(
      `topology tasks: ${TASKS} distinct results, ${after.runs} runs ` +
        `(${after.runs - TASKS} repeated), ${before.done} done when ${victim.name} was killed; ` +
        `all done ${Date.now() - killedAt} ms after the kill, ${Date.now() - started} ms in all; ` +
        `per worker: ${JSON.stringify(rows)}`,
    )
  }, 200_000)

  it('applies a profile set through A on B and C, and a new instance starts with it', async () => {
    const [a, b, c] = state.apis
    const change = await getJson<{ profile: string }>(`${a!.url}/performance/optimize/memory`, {
      method: 'POST',
      headers: headers('admin'),
    })
    expect(change.profile).toBe('memory')
    for (const api of [b!, c!]) {
      await waitForValue(
        async () => {
          const s = await getJson<Status>(`${api.url}/performance/status`)
          return s.profile === 'memory' && s
        },
        { timeoutMs: 10_000, what: `${api.name} following the profile`, intervalMs: 100 },
      )
    }

    const fourth = await addApi(state, 90_000)
    try {
      const status = await getJson<Status>(`${fourth.url}/performance/status`)
      expect(status.instance).toBe(fourth.instance)
      expect(status.profile).toBe('memory')
    } finally {
      await stopProcess(fourth)
    }
  }, 120_000)
})
