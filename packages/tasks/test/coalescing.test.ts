import { OwnedRedis } from '@bi-perf/test-services'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EnqueueUncertainError, InvalidArgumentError, type TaskPriority } from '../src/index.js'
import { Harness, PREFIX, REDIS_URL, blockedByOneTask, uniqueName, waitFor } from './helpers.js'

// Enqueues made in one tick go out as one BullMQ addBulk: one pipeline, one Lua call per task.
// Each caller keeps its own ids, errors and deduplication.

/** `INFO commandstats` calls of a command, and `INFO stats` reads, on one server. */
async function counters(redis: Redis): Promise<{ evalsha: number; reads: number }> {
  // One command (Redis 7 takes several sections), so measuring costs exactly one read.
  const info = (await redis.call('INFO', 'commandstats', 'stats')) as string
  return {
    evalsha: Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0),
    reads: Number(/total_reads_processed:(\d+)/.exec(info)![1]),
  }
}

describe('coalesced enqueues on a private Redis', () => {
  let server: OwnedRedis
  let inspector: Redis

  beforeAll(async () => {
    server = await OwnedRedis.start()
    inspector = new Redis(server.url)
  })

  afterAll(async () => {
    inspector?.disconnect()
    await server?.stop()
  })

  it('sends 10 concurrent enqueues as one pipeline: one Lua call per task, read by Redis at once', async () => {
    const harness = new Harness('bullmq')
    const producer = harness.open({
      name: uniqueName('coalesce'),
      redis: server.url,
      worker: false,
    })
    // Connection, BullMQ's start-up and the script cache, outside the count.
    await producer.enqueue('work', { warm: true })
    const before = await counters(inspector)
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, n) => producer.enqueue('work', { n })),
    )
    const after = await counters(inspector)
    expect(new Set(ids).size).toBe(10)
    // One addJob script per task, nothing else per task.
    expect(after.evalsha - before.evalsha).toBe(10)
    // The batch is one socket write of about 10 kB, which Redis reads in one or two reads; one
    // more read is the INFO that measured it. Ten separate `add`s are ten writes, which Redis
    // reads one by one unless they happen to queue up. The shared Redis counts every client's
    // reads; this one has only ours.
    expect(after.reads - before.reads).toBeLessThanOrEqual(3)
    await harness.cleanup()
  })
})

describe('coalesced enqueues on BullMQ', () => {
  const harness = new Harness('bullmq')
  afterEach(() => harness.cleanup())

  it('tells every call of a batch that Redis refused in part that it is uncertain, and runs what was stored once', async () => {
    const name = uniqueName('refused')
    const producer = harness.open({ name, worker: false })
    await producer.enqueue('work', { warm: true }, { priority: 'critical' })
    // A key of the wrong type where BullMQ keeps prioritized jobs: the addJob script of every
    // task below critical fails with WRONGTYPE; critical ones (the plain wait list) are stored.
    // In one pipeline, BullMQ's addBulk reports only the first failure.
    const redis = new Redis(REDIS_URL)
    await redis.set(`${PREFIX}:${name}:prioritized`, 'not a sorted set')
    const priorities: TaskPriority[] = ['critical', 'normal', 'critical']
    const outcomes = await Promise.allSettled(
      priorities.map((priority, n) => producer.enqueue('work', { n }, { priority })),
    )
    await redis.del(`${PREFIX}:${name}:prioritized`)
    const errors = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as unknown)
    for (const error of errors) {
      expect(error).toBeInstanceOf(EnqueueUncertainError)
      expect((error as EnqueueUncertainError).taskIds).toHaveLength(1)
      expect((error as EnqueueUncertainError).reason).toMatch(/WRONGTYPE/)
    }
    // Redis answered: a refused script says nothing about its availability.
    expect(producer.availability()).toMatchObject({ available: true, breaker: 'closed' })

    const stored = [0, 2].map((index) => (errors[index] as EnqueueUncertainError).taskIds[0]!)
    const runs = new Map<string, number>()
    const worker = harness.open({ name, concurrency: 4 })
    worker.define('work', (_data, ctx) => {
      runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1)
    })
    await waitFor(() => stored.every((id) => runs.has(id)), { what: 'the stored tasks to run' })
    await waitFor(async () => (await worker.status()).counts.active === 0)
    for (const id of stored) expect(runs.get(id)).toBe(1)
    await redis.quit()
  })

  it('rejects a call with an invalid task at once and enqueues the others of its tick', async () => {
    const producer = harness.open({ name: uniqueName('invalid'), worker: false })
    await producer.enqueue('work', { warm: true })
    const outcomes = await Promise.allSettled([
      producer.enqueue('work', { n: 1 }),
      // BullMQ refuses integer ids, "-1" included; sent in a batch it would fail every task.
      producer.enqueue('work', { n: 2 }, { id: '-1' }),
      producer.enqueueMany([
        { name: 'work', data: { n: 3 } },
        { name: 'work', data: { n: 4 } },
      ]),
    ])
    expect(outcomes[0].status).toBe('fulfilled')
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidArgumentError)
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      argument: 'options.id',
    })
    expect((outcomes[2] as PromiseFulfilledResult<string[]>).value).toHaveLength(2)
    expect((await producer.status()).counts.waiting).toBe(4)
  })

  it('adds a task once when concurrent calls in one batch share its id, and runs it once', async () => {
    const name = uniqueName('dedup')
    const producer = harness.open({ name, worker: false })
    const ids = await Promise.all([
      producer.enqueue('work', { copy: 1 }, { id: 'invoice-42' }),
      producer.enqueue('work', { other: true }),
      producer.enqueue('work', { copy: 2 }, { id: 'invoice-42' }),
      producer.enqueueMany([{ name: 'work', data: { copy: 3 }, options: { id: 'invoice-42' } }]),
    ])
    expect(ids[0]).toBe('invoice-42')
    expect(ids[2]).toBe('invoice-42')
    expect(ids[3]).toEqual(['invoice-42'])
    expect((await producer.status()).counts.waiting).toBe(2)

    const seen: unknown[] = []
    const worker = harness.open({ name, concurrency: 2 })
    worker.define('work', (data) => {
      seen.push(data)
    })
    await waitFor(() => seen.length === 2, { what: 'both tasks to run' })
    await waitFor(async () => (await worker.status()).counts.active === 0)
    // The first call of the batch wins: its data is what runs, once.
    expect(seen).toContainEqual({ copy: 1 })
    expect(seen).toHaveLength(2)
  })

  it('runs critical, high, normal, low in strict order when all are enqueued in one tick', async () => {
    const tasks = harness.open({ name: uniqueName('coalesced-priority'), concurrency: 1 })
    const { blocker, order } = await blockedByOneTask(tasks)
    const levels: TaskPriority[] = ['low', 'normal', 'high', 'critical']
    const labels = Array.from({ length: 40 }, (_, n) => ({
      label: `${levels[(n * 3) % 4]!}-${n}`,
      priority: levels[(n * 3) % 4]!,
    }))
    // One tick: one addBulk with all four levels mixed.
    await Promise.all(
      labels.map(({ label, priority }) => tasks.enqueue('job', { label }, { priority })),
    )
    blocker.open()
    await waitFor(() => order.length === labels.length, { what: 'all tasks to run' })
    const expected = (['critical', 'high', 'normal', 'low'] as const).flatMap((priority) =>
      labels.filter((entry) => entry.priority === priority).map((entry) => entry.label),
    )
    expect(order).toEqual(expected)
  })
})
