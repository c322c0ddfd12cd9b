// Enqueue with 50 concurrent producers, each awaiting its enqueue before the next (what an API
// process under load does): ours (one BullMQ `add` per call, with an idempotency id) beside raw
// BullMQ `queue.add` at the same priority, in the same run. Rounds alternate the order; the median
// round counts. Nothing consumes the queues; each is obliterated after its round.
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createTaskQueue } from '@bi-perf/tasks'
import { formatOps, median as medianOf, ratio } from '@bi-perf/bench'
import { obliterateQueue } from './obliterate-queue.js'

const PRODUCERS = 50
const PER_PRODUCER = 200
const TASKS = PRODUCERS * PER_PRODUCER
const ROUNDS = 5

/** Runs `PRODUCERS` loops of `PER_PRODUCER` awaited calls; returns the elapsed ms. */
async function producers(enqueue: (n: number) => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, producer) => {
      for (let index = 0; index < PER_PRODUCER; index++) {
        await enqueue(producer * PER_PRODUCER + index)
      }
    }),
  )
  return performance.now() - started
}

async function rawAdd(redisUrl: string, prefix: string, priority?: number): Promise<number> {
  const name = `enqueue-raw-${randomUUID().slice(0, 8)}`
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(name, { connection, prefix })
  await queue.waitUntilReady()
  const opts = {
    removeOnComplete: { count: 1000 },
    removeOnFail: false,
    attempts: 3,
    ...(priority === undefined ? {} : { priority }),
  }
  // Warm the connection and the script cache outside the clock.
  await queue.add('noop', { n: -1 }, opts)
  const elapsed = await producers((n) => queue.add('noop', { n }, opts))
  await queue.obliterate({ force: true })
  await queue.close()
  await connection.quit()
  return elapsed
}

async function ours(redisUrl: string, prefix: string): Promise<number> {
  const name = `enqueue-ours-${randomUUID().slice(0, 8)}`
  const tasks = createTaskQueue({ name, redis: redisUrl, prefix, worker: false })
  await tasks.enqueue('noop', { n: -1 })
  const elapsed = await producers((n) => tasks.enqueue('noop', { n }))
  await tasks.close()
  await obliterateQueue(redisUrl, prefix, name)
  return elapsed
}

/** Enqueues/s of each contender (median round) and every round's ratio, as markdown. */
export async function enqueueBench(redisUrl: string, prefix: string): Promise<string> {
  const contenders: [string, () => Promise<number>][] = [
    ['raw BullMQ `queue.add`', () => rawAdd(redisUrl, prefix)],
    ['raw BullMQ `queue.add`, priority 2', () => rawAdd(redisUrl, prefix, 2)],
    ['@bi-perf/tasks `enqueue` (normal = priority 2)', () => ours(redisUrl, prefix)],
  ]
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const [name, run] of order) samples.get(name)!.push(await run())
  }
  const median = (name: string) => medianOf(samples.get(name)!)
  const samePriority = contenders[1]![0]
  const perRound = samples
    .get(contenders[2]![0])!
    .map((ms, round) => ratio(samples.get(samePriority)![round]!, ms))
  const lines = [
    `### Enqueue, ${PRODUCERS} concurrent producers × ${PER_PRODUCER} awaited calls (median of ${ROUNDS} alternating rounds)`,
    '',
    '| contender | enqueues/s | ms | × raw `add` | × raw `add`, priority 2 |',
    '|---|---|---|---|---|',
    ...contenders.map(([name]) => {
      const ms = median(name)
      return `| ${name} | ${formatOps((TASKS / ms) * 1000)} | ${ms.toFixed(0)} | ${ratio(median(contenders[0]![0]), ms)} | ${ratio(median(samePriority), ms)} |`
    }),
    '',
    `Ours ÷ raw \`add\` at priority 2, per round: ${perRound.join(', ')}.`,
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  return text
}
