// The task queue's Redis goes away under a real API process (`src/main.ts`, production mode):
// killed (SIGKILL, then restarted on its append-only file) and stopped (SIGSTOP). Enqueuing
// routes answer 503 with Retry-After at once instead of hanging for seconds, the status routes
// answer at once with the tasks component down, and once Redis is back the same request
// enqueues, without adding a task twice.
import { OwnedRedis } from '@bi-perf/test-services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killApiProcesses, startApi, type ApiProcess } from './api-process.js'
import {
  bearer,
  postgresUrl,
  hsToken,
  newSecret,
  readError,
  uniqueName,
  waitFor,
} from './helpers.js'

/** What a caller may wait for an answer while Redis is away (the old behaviour: 5 s). */
const ANSWER_WITHIN_MS = 1_000

const prefix = uniqueName('tasks-outage')
const secret = newSecret()
let server: OwnedRedis
let api: ApiProcess

beforeAll(async () => {
  server = await OwnedRedis.start()
  api = await startApi({
    NODE_ENV: 'production',
    REDIS_URL: server.url,
    DATABASE_URL: postgresUrl(),
    BI_PERF_JWT_SECRET: secret,
    BI_PERF_REDIS_PREFIX: prefix,
    BI_PERF_TASKS_QUEUE: prefix,
    // A producer: enqueued tasks wait in the owned Redis, so the test can count them.
    BI_PERF_TASKS_WORKER: 'false',
  })
}, 60_000)

afterAll(async () => {
  killApiProcesses()
  await server?.stop()
})

/** Tasks waiting in the queue, read from the owned Redis (the API's figures lag a sample). */
async function waiting(): Promise<number> {
  const redis = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    const keys = `${prefix}:tasks:${prefix}`
    const [plain, prioritized] = await Promise.all([
      redis.llen(`${keys}:wait`),
      redis.zcard(`${keys}:prioritized`),
    ])
    return plain + prioritized
  } finally {
    redis.disconnect()
  }
}

/** A request, its answer and how long the answer took. */
async function timed(path: string, init: RequestInit = {}) {
  const started = performance.now()
  const response = await fetch(`${api.url}${path}`, {
    ...init,
    // Far above the bound asserted, so a hang shows as a failed assertion, not a test timeout.
    signal: AbortSignal.timeout(10_000),
  })
  const body = await response.text()
  return { response, body, ms: performance.now() - started }
}

async function scrape(batchId: string, count: number) {
  return timed('/analytics/scrape', {
    method: 'POST',
    headers: {
      ...bearer(await hsToken(secret, { role: 'admin', sub: uniqueName('admin') })),
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ batchId, count }),
  })
}

async function viewer(path: string) {
  return timed(path, {
    headers: bearer(await hsToken(secret, { role: 'viewer', sub: uniqueName('viewer') })),
  })
}

type Component = { state: string; reasons: string[] }

async function tasksComponent(): Promise<{ component: Component; ms: number }> {
  const { response, body, ms } = await viewer('/performance/status')
  expect(response.status).toBe(200)
  const status = JSON.parse(body) as { components: { tasks: Component } }
  return { component: status.components.tasks, ms }
}

/** Checks the 503 of an enqueue during the outage: code, Retry-After, the batch and its ids. */
async function expectOutage(outcome: Awaited<ReturnType<typeof scrape>>, code: string) {
  expect(outcome.response.status, outcome.body).toBe(503)
  expect(outcome.ms).toBeLessThan(ANSWER_WITHIN_MS)
  const retryAfter = outcome.response.headers.get('retry-after')
  expect(retryAfter).toMatch(/^[1-9]\d*$/)
  const error = await readError(new Response(outcome.body))
  expect(error.code).toBe(code)
  return error.details as { batchId: string; queued: number; taskIds: string[] }
}

describe('the API while the task queue’s Redis is away', () => {
  it('answers a SIGKILLed Redis with 503 + Retry-After and a down tasks component within 1 s, and enqueues again once it is back', async () => {
    expect((await scrape('before-kill', 3)).response.status).toBe(202)
    await waitFor(async () => (await waiting()) === 3, { timeoutMs: 10_000 })

    await server.kill()
    // Status routes answer within the bound, and mark tasks down (at once: read live).
    let down: Component | undefined
    await waitFor(
      async () => {
        const { component, ms } = await tasksComponent()
        expect(ms).toBeLessThan(ANSWER_WITHIN_MS)
        if (component.state === 'down') down = component
        return down !== undefined
      },
      { timeoutMs: 5_000, what: 'the tasks component to be down' },
    )
    expect(down!.reasons.join()).toMatch(/Redis unreachable/)
    const ready = await timed('/health/ready')
    expect(ready.response.status).toBe(503)
    expect(ready.ms).toBeLessThan(ANSWER_WITHIN_MS)
    expect((await readError(new Response(ready.body))).message).toMatch(/tasks: Redis unreachable/)
    const queueStatus = await viewer('/performance/tasks/status')
    expect(queueStatus.ms).toBeLessThan(ANSWER_WITHIN_MS)
    expect(JSON.parse(queueStatus.body)).toMatchObject({ availability: { available: false } })

    const refused = await scrape('during-kill', 5)
    console.info(
      `Redis killed: POST /analytics/scrape 503 in ${refused.ms.toFixed(0)} ms, /health/ready 503 in ${ready.ms.toFixed(0)} ms`,
    )
    const details = await expectOutage(refused, 'E_TASKS_UNAVAILABLE')
    expect(details).toMatchObject({ batchId: 'during-kill', queued: 0 })
    expect(details.taskIds).toEqual([1, 2, 3, 4, 5].map((n) => `during-kill-${n}`))

    // Back on the same data: the same request enqueues, the batch from before is still there.
    await server.start()
    await waitFor(async () => (await scrape('during-kill', 5)).response.status === 202, {
      timeoutMs: 15_000,
      what: 'an enqueue to succeed again',
    })
    await waitFor(async () => (await tasksComponent()).component.state === 'ok', {
      timeoutMs: 10_000,
      what: 'the tasks component to be ok again',
    })
    expect(await waiting()).toBe(8)
    const figures = await viewer('/performance/tasks/status')
    expect(JSON.parse(figures.body)).toMatchObject({ availability: { available: true } })
  })

  it('answers a SIGSTOPped Redis with 503 E_TASKS_ENQUEUE_UNCERTAIN within 1 s; the same request after SIGCONT adds each task once', async () => {
    const before = await waiting()

    server.pause()
    try {
      const lost = await scrape('during-stop', 4)
      console.info(`Redis stopped: POST /analytics/scrape 503 in ${lost.ms.toFixed(0)} ms`)
      const details = await expectOutage(lost, 'E_TASKS_ENQUEUE_UNCERTAIN')
      expect(details.taskIds).toEqual([1, 2, 3, 4].map((n) => `during-stop-${n}`))
      await waitFor(
        async () => {
          const { component, ms } = await tasksComponent()
          expect(ms).toBeLessThan(ANSWER_WITHIN_MS)
          return component.state === 'down'
        },
        { timeoutMs: 5_000, what: 'the tasks component to be down' },
      )
    } finally {
      server.resume()
    }

    await waitFor(async () => (await scrape('during-stop', 4)).response.status === 202, {
      timeoutMs: 15_000,
      what: 'an enqueue to succeed again',
    })
    // Whether or not Redis read the first attempt, each task is in the queue once.
    expect(await waiting()).toBe(before + 4)
    // No request failed as a 500 through the outages.
    expect(api.stdout()).not.toContain('request failed')
  })
})
