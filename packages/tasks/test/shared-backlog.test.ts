import { afterEach, describe, expect, it } from 'vitest'
import type { ScaleDecision } from '../src/index.js'
import { Harness, uniqueName, waitFor } from './helpers.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Several worker processes share one BullMQ queue; each runs its own autoscaler. The backlog each
// one reads is the queue's, in Redis, not its own share of it: a backlog enqueued by a producer
// that runs no handler must scale every worker up, and the drained queue must scale each back.
describe('workers sharing one queue (BullMQ)', () => {
  const harness = new Harness('bullmq')
  afterEach(() => harness.cleanup())

  it('scales every worker up from the shared backlog and back down once it is drained', async () => {
    const name = uniqueName('shared')
    const producer = harness.open({ name, worker: false })
    const workers = Array.from({ length: 3 }, () =>
      harness.open({
        name,
        concurrency: { min: 1, max: 8 },
        autoscale: { interval: 50, cooldown: 150, backlogPerSlot: 2 },
      }),
    )
    const decisions = workers.map(() => [] as ScaleDecision[])
    const runs = workers.map(() => 0)
    const seen = new Set<number>()
    workers.forEach((worker, index) => {
      worker.on('scaled', (decision) => decisions[index]!.push(decision))
      worker.define('work', async ({ n }: { n: number }) => {
        runs[index]!++
        seen.add(n)
        await sleep(15)
      })
    })

    const total = 900
    await producer.enqueueMany(
      Array.from({ length: total }, (_, n) => ({ name: 'work', data: { n } })),
    )
    await waitFor(() => seen.size === total, { timeoutMs: 60_000, what: 'every task to run' })
    await waitFor(
      async () =>
        (await Promise.all(workers.map((worker) => worker.status()))).every(
          (status) => status.concurrency === 1,
        ),
      { what: 'every worker back at min' },
    )

    expect(runs.reduce((sum, count) => sum + count, 0)).toBe(total)
    for (const [index, list] of decisions.entries()) {
      const up = list.find((decision) => decision.to > decision.from)
      expect(up, `worker ${index} scaled up`).toBeDefined()
      expect(up!.reason).toMatch(/backlog|wait/)
      expect(list.at(-1)!.reason).toBe('idle')
      expect(runs[index], `worker ${index} ran tasks`).toBeGreaterThan(0)
    }
    expect((await producer.status()).counts).toMatchObject({ waiting: 0, completed: total })
  })
})
