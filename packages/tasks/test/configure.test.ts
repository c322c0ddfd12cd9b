import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidOptionError,
  TaskQueueClosedError,
  type ScaleDecision,
  type TaskQueueReconfiguration,
} from '../src/index.js'
import { Harness, gate, uniqueName, waitFor, type BackendKind } from './helpers.js'

describe.each<BackendKind>(['memory', 'bullmq'])('configure on %s', (kind) => {
  const harness = new Harness(kind)
  afterEach(() => harness.cleanup())

  /** A worker whose `job` tasks block on one latch, counting how many run at once. */
  function blockedWorker(options: Omit<Parameters<Harness['open']>[0], 'name'>) {
    const tasks = harness.open({ name: uniqueName('configure'), ...options })
    const latch = gate()
    const counters = { running: 0, peak: 0, done: 0 }
    tasks.define('job', async () => {
      counters.running++
      counters.peak = Math.max(counters.peak, counters.running)
      await latch.promise
      counters.running--
      counters.done++
    })
    return { tasks, latch, counters }
  }

  it('runs more tasks at once as soon as concurrency is raised', async () => {
    const { tasks, latch, counters } = blockedWorker({ concurrency: 1 })
    await tasks.enqueueMany(Array.from({ length: 10 }, (_, n) => ({ name: 'job', data: { n } })))
    await waitFor(() => counters.running === 1, { what: 'the first task to start' })

    const settings = tasks.configure({ concurrency: 5 })
    expect(settings).toEqual({ concurrency: { min: 5, max: 5 }, current: 5, autoscale: false })
    // Raised while the only running task still holds the latch: four more start beside it.
    await waitFor(() => counters.running === 5, { what: 'five tasks running at once' })
    const status = await tasks.status()
    expect(status.concurrency).toBe(5)
    expect(status.counts.active).toBe(5)
    expect(status.autoscaler).toMatchObject({ enabled: false, min: 5, max: 5 })

    latch.open()
    await waitFor(() => counters.done === 10, { what: 'every task to finish' })
    expect(counters.peak).toBe(5)
  })

  it('turns the autoscaler on for a range, clamping the current concurrency into it', async () => {
    const { tasks, latch, counters } = blockedWorker({
      concurrency: 1,
      autoscale: { interval: 50, cooldown: 0 },
    })
    const scaled: ScaleDecision[] = []
    tasks.on('scaled', (decision) => scaled.push(decision))
    await tasks.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ name: 'job', data: { n } })))
    await waitFor(() => counters.running === 1, { what: 'the first task to start' })
    expect((await tasks.status()).autoscaler.enabled).toBe(false)

    const settings = tasks.configure({ concurrency: { min: 2, max: 6 } })
    expect(settings).toEqual({ concurrency: { min: 2, max: 6 }, current: 2, autoscale: true })
    const status = await tasks.status()
    expect(status.concurrency).toBe(2)
    expect(status.autoscaler).toMatchObject({ enabled: true, min: 2, max: 6 })
    // Its timer runs: the backlog makes it scale up to the new max.
    await waitFor(() => counters.running === 6, { what: 'the autoscaler to reach max' })
    expect(scaled.at(-1)).toMatchObject({ to: 6, reason: 'backlog' })

    expect(tasks.configure({ concurrency: 3 })).toEqual({
      concurrency: { min: 3, max: 3 },
      current: 3,
      autoscale: false,
    })
    expect((await tasks.status()).autoscaler).toMatchObject({ enabled: false, min: 3, max: 3 })
    latch.open()
    await waitFor(() => counters.done === 20, { what: 'every task to finish' })
  })

  it('keeps the current concurrency when it already lies in the new range', async () => {
    const { tasks } = blockedWorker({ concurrency: 4 })
    expect(tasks.configure({ concurrency: { min: 2, max: 10 } }).current).toBe(4)
    expect(tasks.configure({ concurrency: { min: 1, max: 3 } }).current).toBe(3)
    expect((await tasks.status()).concurrency).toBe(3)
  })

  it.each<[TaskQueueReconfiguration, RegExp]>([
    [{ concurrency: { min: 5, max: 2 } }, /concurrency\.max 2: must not be below concurrency\.min/],
    [{ concurrency: 0 }, /concurrency 0: must be a positive integer/],
    [{ concurrency: 2.5 }, /concurrency 2\.5/],
    [{ concurrency: { min: 0, max: 4 } }, /concurrency\.min 0/],
    [{ concurrency: { min: 1, max: 1.5 } }, /concurrency\.max 1\.5/],
    [{ timeout: '1m' } as never, /timeout .*cannot be changed at run time; valid: concurrency/],
    [{ concurency: 2 } as never, /concurency .*unknown option; did you mean "concurrency"\?/],
    [{ concurrency: { min: 1, mx: 4 } } as never, /concurrency\.mx .*"concurrency\.max"/],
  ])('rejects %j with an InvalidOptionError and changes nothing', async (changes, rule) => {
    const { tasks } = blockedWorker({ concurrency: { min: 2, max: 4 } })
    const before = tasks.settings()
    expect(() => tasks.configure(changes)).toThrow(InvalidOptionError)
    expect(() => tasks.configure(changes)).toThrow(rule)
    expect(tasks.settings()).toEqual(before)
    expect((await tasks.status()).autoscaler).toMatchObject({ enabled: true, min: 2, max: 4 })
  })

  it('stores the range of a producer while its concurrency stays 0', async () => {
    const producer = harness.open({ name: uniqueName('producer'), worker: false })
    expect(producer.configure({ concurrency: { min: 2, max: 8 } })).toEqual({
      concurrency: { min: 2, max: 8 },
      current: 0,
      autoscale: false,
    })
    const status = await producer.status()
    expect(status.concurrency).toBe(0)
    expect(status.autoscaler.enabled).toBe(false)
  })

  it('refuses to configure a closed queue', async () => {
    const { tasks } = blockedWorker({ concurrency: 1 })
    await tasks.close()
    expect(() => tasks.configure({ concurrency: 2 })).toThrow(TaskQueueClosedError)
  })
})
