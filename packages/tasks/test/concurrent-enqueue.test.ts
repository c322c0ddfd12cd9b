import { OwnedRedis } from '@bi-perf/test-services'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EnqueueUncertainError, InvalidArgumentError, type TaskPriority } from '../src/index.js'
import { Harness, PREFIX, REDIS_URL, blockedByOneTask, uniqueName, waitFor } from './helpers.js'

// Concurrent enqueues are sent each on its own, in the caller's tick: they reach Redis back to
// back, and each caller resumes on its own reply with its own ids and errors. `enqueueMany` is
// one BullMQ addBulk (one pipeline). Merging a tick's calls into one addBulk was measured slower
// (docs/benchmarks.md, issue 20).

/** `INFO commandstats` calls of a command, and `INFO stats` reads, on one server. */
async function counters(redis: Redis): Promise<{ evalsha: number; reads: number }> {
  // One command (Redis 7 takes several sections), so measuring costs exactly one read.
  const info = (await redis.call('INFO', 'commandstats', 'stats')) as string
  return {
    evalsha: Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0),
    reads: Number(/total_reads_processed:(\d+)/.exec(info)![1]),
  }
}

describe('enqueues on a private Redis', () => {
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

  it('sends 10 concurrent enqueues as one Lua call per task and nothing else', async () => {
    const harness = new Harness('bullmq')
    const producer = harness.open({
      name: uniqueName('concurrent'),
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
    expect(after.evalsha - before.evalsha).toBe(10)
    await harness.cleanup()
  })

  it('sends enqueueMany as one pipeline, which Redis reads at once', async () => {
    const harness = new Harness('bullmq')
    const producer = harness.open({ name: uniqueName('many'), redis: server.url, worker: false })
    await producer.enqueue('work', { warm: true })
    const before = await counters(inspector)
    const ids = await producer.enqueueMany(
      Array.from({ length: 10 }, (_, n) => ({ name: 'work', data: { n } })),
    )
    const after = await counters(inspector)
    expect(new Set(ids).size).toBe(10)
    expect(after.evalsha - before.evalsha).toBe(10)
    // One socket write of about 10 kB, which Redis reads in one or two reads; one more read is
    // the INFO that measured it. This Redis has no other client.
    expect(after.reads - before.reads).toBeLessThanOrEqual(3)
    await harness.cleanup()
  })

  it('resolves a call on its own reply, not when a concurrent larger call is done', async () => {
    const harness = new Harness('bullmq')
    const producer = harness.open({
      name: uniqueName('own-reply'),
      redis: server.url,
      worker: false,
      // The large call must not hit the 500 ms default while other test files load the machine.
      commandTimeout: '10s',
    })
    await producer.enqueue('work', { warm: true })
    const settledAt: Record<string, number> = {}
    // Sent first, so its reply comes first; merged with the large call into one batch it was
    // resolved only once the last of the 2,000 replies was in.
    const lone = producer.enqueue('work', { lone: true }).then(() => {
      settledAt.lone = performance.now()
    })
    const many = producer
      .enqueueMany(Array.from({ length: 2_000 }, (_, n) => ({ name: 'work', data: { n } })))
      .then(() => {
        settledAt.many = performance.now()
      })
    await Promise.all([lone, many])
    // Redis runs 2,000 addJob scripts after the lone one: tens of milliseconds.
    expect(settledAt.many! - settledAt.lone!).toBeGreaterThan(5)
    await harness.cleanup()
  })
})

describe('concurrent enqueues on BullMQ', () => {
  const harness = new Harness('bullmq')
  afterEach(() => harness.cleanup())

  it('gives each concurrent call its own outcome when Redis refuses one task, and runs what was stored once', async () => {
    const name = uniqueName('refused')
    const producer = harness.open({ name, worker: false })
    await producer.enqueue('work', { warm: true }, { priority: 'critical' })
    // A key of the wrong type where BullMQ keeps prioritized jobs: the addJob script of every
    // task below critical fails with WRONGTYPE; critical ones (the plain wait list) are stored.
    const redis = new Redis(REDIS_URL)
    await redis.set(`${PREFIX}:${name}:prioritized`, 'not a sorted set')
    const priorities: TaskPriority[] = ['critical', 'normal', 'critical']
    const outcomes = await Promise.allSettled(
      priorities.map((priority, n) => producer.enqueue('work', { n }, { priority })),
    )
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ])
    // Redis said no to this one task: its script's error, nothing uncertain about it.
    const refused = (outcomes[1] as PromiseRejectedResult).reason as Error
    expect(refused).not.toBeInstanceOf(EnqueueUncertainError)
    expect(refused.message).toMatch(/WRONGTYPE/)

    // A refusal inside one enqueueMany (one pipeline; BullMQ reports its first failure only)
    // leaves which of its tasks were stored unknown: the call is uncertain, naming its ids.
    const many = await producer
      .enqueueMany([
        { name: 'work', data: { n: 3 }, options: { priority: 'critical' } },
        { name: 'work', data: { n: 4 } },
      ])
      .catch((error: unknown) => error)
    await redis.del(`${PREFIX}:${name}:prioritized`)
    expect(many).toBeInstanceOf(EnqueueUncertainError)
    expect((many as EnqueueUncertainError).taskIds).toHaveLength(2)
    expect((many as EnqueueUncertainError).reason).toMatch(/WRONGTYPE/)
    // Redis answered: a refused script says nothing about its availability.
    expect(producer.availability()).toMatchObject({ available: true, breaker: 'closed' })

    const stored = [
      (outcomes[0] as PromiseFulfilledResult<string>).value,
      (outcomes[2] as PromiseFulfilledResult<string>).value,
      (many as EnqueueUncertainError).taskIds[0]!,
    ]
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
      // BullMQ refuses integer ids, "-1" included; the other calls are not affected.
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

  it('adds a task once when concurrent calls share its id, and runs it once', async () => {
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
    // The first call sent wins: its data is what runs, once.
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
    // One tick, all four levels mixed.
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
