import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidArgumentError,
  InvalidOptionError,
  ShutdownError,
  TaskTimeoutError,
  UnknownTaskError,
  UnserializableDataError,
  backoffBounds,
  type ScaleDecision,
  type TaskPriority,
  type TaskQueue,
} from '../src/index.js'
import {
  Harness,
  blockedByOneTask,
  gate,
  uniqueName,
  waitFor,
  type BackendKind,
} from './helpers.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Enqueues one `name` task and waits until it has failed for good. */
async function runUntilFailed(tasks: TaskQueue, name: string) {
  await tasks.enqueue(name, null)
  await waitFor(async () => (await tasks.status()).counts.failed === 1, { what: `${name} to fail` })
}

describe.each<BackendKind>(['memory', 'bullmq'])('task queue on %s', (kind) => {
  const harness = new Harness(kind)
  afterEach(() => harness.cleanup())

  it('runs priorities in strict order, FIFO inside a level, under a backlog', async () => {
    const tasks = harness.open({ name: uniqueName('priority'), concurrency: 1 })
    const { blocker, order } = await blockedByOneTask(tasks)
    const levels: TaskPriority[] = ['low', 'normal', 'high', 'critical']
    const specs = Array.from({ length: 200 }, (_, index) => {
      const priority = levels[(index * 7) % 4]!
      return { name: 'job', data: { label: `${priority}-${index}` }, options: { priority } }
    })
    await tasks.enqueueMany(specs.slice(0, 100))
    for (const spec of specs.slice(100)) await tasks.enqueue(spec.name, spec.data, spec.options)
    expect((await tasks.status()).counts.waiting).toBe(200)
    blocker.open()
    await waitFor(() => order.length === 200, { what: 'all tasks to run' })

    const expected = (['critical', 'high', 'normal', 'low'] as const).flatMap((priority) =>
      specs.filter((spec) => spec.options.priority === priority).map((spec) => spec.data.label),
    )
    expect(order).toEqual(expected)
  })

  it('retries with capped exponential backoff inside the jitter bounds, then keeps the failure', async () => {
    const backoff = { delay: 80, maxDelay: 200, jitter: 0.5 }
    const tasks = harness.open({
      name: uniqueName('backoff'),
      concurrency: 1,
      retry: { attempts: 4, backoff },
    })
    const starts: number[] = []
    const ends: number[] = []
    let succeed = false
    tasks.define('flaky', () => {
      starts.push(Date.now())
      if (succeed) return 'ok'
      ends.push(Date.now())
      throw new Error(`boom ${starts.length}`)
    })
    const id = await tasks.enqueue('flaky', { n: 1 })
    await waitFor(async () => (await tasks.status()).counts.failed === 1, { what: 'final failure' })

    expect(starts).toHaveLength(4)
    const resolved = { type: 'exponential' as const, ...backoff }
    for (let attempt = 1; attempt < 4; attempt++) {
      const [lower] = backoffBounds(attempt, resolved)
      // The delay is measured from the failure; 5 ms covers clock granularity.
      expect(starts[attempt]! - ends[attempt - 1]!).toBeGreaterThanOrEqual(lower - 5)
    }
    const [failed] = await tasks.failed()
    expect(failed).toMatchObject({ id, name: 'flaky', data: { n: 1 }, attempts: 4 })
    expect(failed!.error).toContain('boom 4')
    expect(failed!.reasons).toEqual(['boom 1', 'boom 2', 'boom 3', 'boom 4'])

    succeed = true
    expect(await tasks.retryFailed()).toBe(1)
    await waitFor(async () => (await tasks.status()).counts.failed === 0, { what: 'retry' })
    await waitFor(() => starts.length === 5, { what: 'the retried run' })
    // The handler has started; its completion is recorded once BullMQ acknowledges it.
    await waitFor(async () => (await tasks.status()).processed.completed === 1, {
      what: 'the retried run to complete',
    })
    const status = await tasks.status()
    expect(status.processed).toMatchObject({ completed: 1, failed: 1, retried: 3 })
  })

  it('aborts a handler through ctx.signal when its timeout elapses', async () => {
    const tasks = harness.open({ name: uniqueName('timeout'), retry: { attempts: 1 } })
    let reason: unknown
    tasks.define(
      'slow',
      (_data, ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason
            reject(ctx.signal.reason as Error)
          })
        }),
      { timeout: 100 },
    )
    await runUntilFailed(tasks, 'slow')
    expect(reason).toBeInstanceOf(TaskTimeoutError)
    const [failed] = await tasks.failed()
    expect(failed!.error).toMatch(/timed out after 100 ms/)
  })

  it('hands a ctx that can be destructured: signal aborts at the timeout, progress reports', async () => {
    const tasks = harness.open({ name: uniqueName('destructure'), retry: { attempts: 1 } })
    let reason: unknown
    tasks.define(
      'slow',
      async (_data, { signal, progress, attempt }) => {
        await progress(50)
        expect(attempt).toBe(1)
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        reason = signal.reason
        throw signal.reason as Error
      },
      { timeout: 100 },
    )
    await runUntilFailed(tasks, 'slow')
    expect(reason).toBeInstanceOf(TaskTimeoutError)
  })

  it('fails a handler that ignores its signal at the timeout, without waiting for it', async () => {
    const tasks = harness.open({ name: uniqueName('timeout-ignored'), retry: { attempts: 1 } })
    const release = gate()
    tasks.define('stubborn', () => release.promise, { timeout: 100 })
    await tasks.enqueue('stubborn', null)
    await waitFor(async () => (await tasks.status()).counts.failed === 1, { what: 'timeout' })
    release.open()
  })

  it('deduplicates by id', async () => {
    const tasks = harness.open({ name: uniqueName('dedup') })
    let runs = 0
    tasks.define('once', () => void runs++)
    const first = await tasks.enqueue('once', { v: 1 }, { id: 'report-42', delay: '300ms' })
    const second = await tasks.enqueue('once', { v: 2 }, { id: 'report-42', delay: '300ms' })
    const [third] = await tasks.enqueueMany([
      { name: 'once', data: { v: 3 }, options: { id: 'report-42' } },
    ])
    expect([first, second, third]).toEqual(['report-42', 'report-42', 'report-42'])
    expect((await tasks.status()).counts).toMatchObject({ delayed: 1, waiting: 0, backlog: 1 })
    await waitFor(async () => (await tasks.status()).counts.completed === 1, { what: 'the run' })
    await tasks.enqueue('once', { v: 4 }, { id: 'report-42' })
    expect(runs).toBe(1)
  })

  it('runs delayed tasks no earlier than their delay, counting them in the backlog', async () => {
    const tasks = harness.open({ name: uniqueName('delay') })
    let ranAt = 0
    tasks.define('later', () => void (ranAt = Date.now()))
    const enqueuedAt = Date.now()
    await tasks.enqueue('later', null, { delay: '400ms', priority: 'low' })
    const { counts } = await tasks.status()
    expect(counts.delayed).toBe(1)
    expect(counts.backlog).toBe(1)
    await waitFor(() => ranAt > 0, { what: 'the delayed task' })
    expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(395)
  })

  it('limits how many tasks start per interval', async () => {
    const tasks = harness.open({
      name: uniqueName('rate'),
      concurrency: 10,
      rateLimit: { max: 5, per: '400ms' },
    })
    const starts: number[] = []
    tasks.define('limited', () => void starts.push(Date.now()))
    await tasks.enqueueMany(Array.from({ length: 15 }, () => ({ name: 'limited', data: null })))
    await waitFor(() => starts.length === 15, { what: 'all tasks' })
    // 15 tasks at 5 per window need at least three windows: two full intervals between first and last.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(2 * 400 - 20)
  })

  it('moves concurrency up under a backlog and back down when idle', async () => {
    const tasks = harness.open({
      name: uniqueName('autoscale'),
      concurrency: { min: 1, max: 8 },
      autoscale: { interval: 50, cooldown: 150, backlogPerSlot: 2 },
    })
    const scaled: ScaleDecision[] = []
    tasks.on('scaled', (decision) => scaled.push(decision))
    let running = 0
    let peak = 0
    tasks.define('work', async () => {
      peak = Math.max(peak, ++running)
      await sleep(15)
      running--
    })
    await tasks.enqueueMany(Array.from({ length: 400 }, () => ({ name: 'work', data: null })))
    await waitFor(() => scaled.some((decision) => decision.to > 1), { what: 'a scale-up' })
    await waitFor(async () => (await tasks.status()).counts.completed >= 400, {
      timeoutMs: 60_000,
      what: 'the backlog to drain',
    })
    await waitFor(async () => (await tasks.status()).concurrency === 1, {
      what: 'a scale-down to min',
    })
    const status = await tasks.status()
    expect(peak).toBeGreaterThan(1)
    expect(scaled.find((decision) => decision.to > decision.from)!.reason).toMatch(/backlog|wait/)
    expect(scaled.at(-1)!.reason).toBe('idle')
    expect(status.autoscaler).toMatchObject({ enabled: true, min: 1, max: 8 })
    expect(status.autoscaler.decisions).toEqual(scaled.slice(-20))
    expect(Math.max(...scaled.map((decision) => decision.to))).toBeLessThanOrEqual(8)
  })

  it('closes gracefully: waits for in-flight tasks, starts no new one', async () => {
    const name = uniqueName('shutdown')
    const tasks = harness.open({ name, concurrency: 2 })
    const started: number[] = []
    const finished: number[] = []
    tasks.define('slow', async ({ n }: { n: number }) => {
      started.push(n)
      await sleep(200)
      finished.push(n)
    })
    await tasks.enqueueMany(Array.from({ length: 6 }, (_, n) => ({ name: 'slow', data: { n } })))
    await waitFor(() => started.length === 2, { what: 'two tasks to start' })
    const result = await tasks.close({ timeout: '10s' })
    expect(result).toEqual({ drained: true, interrupted: 0 })
    expect(finished.sort()).toEqual(started.sort())
    await expect(tasks.enqueue('slow', { n: 9 })).rejects.toThrow(/closed/)
    expect(await tasks.close()).toBe(result)

    if (kind === 'bullmq') {
      // Nothing lost: the four tasks never started are still queued, and another worker runs them.
      const next = harness.open({ name, concurrency: 2 })
      next.define('slow', ({ n }: { n: number }) => void started.push(n))
      await waitFor(() => started.length === 6, { what: 'the rest to run' })
      expect(started.sort()).toEqual([0, 1, 2, 3, 4, 5])
    } else {
      expect(started).toHaveLength(2)
    }
  })

  it('at the close deadline aborts in-flight handlers and gives their tasks back', async () => {
    const name = uniqueName('deadline')
    const tasks = harness.open({ name, concurrency: 1, lockDuration: '30s' })
    let reason: unknown
    const runs: string[] = []
    tasks.define('stuck', (_data, ctx) => {
      runs.push(ctx.id)
      ctx.signal.addEventListener('abort', () => {
        reason = ctx.signal.reason
      })
      return new Promise<void>(() => {})
    })
    const id = await tasks.enqueue('stuck', null, { id: 'stuck-1' })
    await waitFor(() => runs.length === 1, { what: 'the task to start' })
    expect(await tasks.close({ timeout: 100 })).toEqual({ drained: false, interrupted: 1 })
    expect(reason).toBeInstanceOf(ShutdownError)

    if (kind === 'bullmq') {
      // Back in `wait` at once, not after the 30 s lock: a second worker takes it.
      const next = harness.open({ name })
      next.define('stuck', (_data, ctx) => void runs.push(ctx.id))
      await waitFor(() => runs.length === 2, { what: 'the given-back task to run again' })
      expect(runs).toEqual([id, id])
      await waitFor(async () => (await next.status()).counts.completed === 1, { what: 'done' })
    }
  })

  it('rejects bad input with typed errors at enqueue time and enqueues nothing', async () => {
    const tasks = harness.open({ name: uniqueName('input') })
    tasks.define('known', () => undefined)
    await expect(tasks.enqueue('unknown', {})).rejects.toBeInstanceOf(UnknownTaskError)
    await expect(tasks.enqueue('known', { f: () => 1 })).rejects.toBeInstanceOf(
      UnserializableDataError,
    )
    await expect(tasks.enqueue('known', { m: new Map() })).rejects.toThrow(/data\.m is a Map/)
    await expect(tasks.enqueue('known', { n: 10n })).rejects.toThrow(/bigint/)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    await expect(tasks.enqueue('known', cycle)).rejects.toThrow(/circular/)
    await expect(
      tasks.enqueue('known', {}, { priority: 'urgent' as TaskPriority }),
    ).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(tasks.enqueue('known', {}, { id: '123' })).rejects.toThrow(/options\.id/)
    await expect(tasks.enqueue('known', {}, { delay: -1 })).rejects.toThrow(/options\.delay/)
    await expect(
      tasks.enqueueMany([
        { name: 'known', data: 1 },
        { name: 'known', data: Number.NaN },
      ]),
    ).rejects.toThrow(/tasks\[1\]|NaN/)
    expect((await tasks.status()).counts.backlog).toBe(0)
    expect(() =>
      harness.open({ name: uniqueName('bad'), retry: { backoff: { jitter: 2 } } }),
    ).toThrow(InvalidOptionError)
  })

  it('keeps running when a handler throws a non-error or a task has no handler here', async () => {
    const name = uniqueName('robust')
    const tasks = harness.open({ name, retry: { attempts: 1 } })
    tasks.define('throws', () => {
      throw 'a string' as unknown as Error
    })
    tasks.define('fine', () => 'ok')
    await tasks.enqueue('throws', null)
    await tasks.enqueue('fine', null)
    await waitFor(async () => {
      const { counts } = await tasks.status()
      return counts.failed === 1 && counts.completed === 1
    })
    const status = await tasks.status()
    expect(status).toMatchObject({ backend: kind, worker: true, failureRate: 0.5 })
    expect(status.averageProcessingMs).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(JSON.stringify(status))).toEqual(status)
  })
})
