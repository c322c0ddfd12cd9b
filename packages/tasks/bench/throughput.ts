// 10 k no-op tasks at concurrency 50: raw BullMQ, ours on BullMQ, ours in process. Each round
// enqueues every task first, then starts the worker and times the drain; rounds alternate order
// and the median round counts.
import { randomUUID } from 'node:crypto'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { createTaskQueue } from '@bi-perf/tasks'
import { formatOps, median, ratio } from '@bi-perf/bench'
import { obliterateQueue } from './obliterate-queue.js'

const TASKS = 10_000
const CONCURRENCY = 50

export interface DrainResult {
  name: string
  tasksPerSec: number
  drainMs: number
}

export async function rawBullmq(
  redisUrl: string,
  prefix: string,
  priority?: number,
  count = TASKS,
): Promise<number> {
  const name = `raw-${randomUUID().slice(0, 8)}`
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(name, { connection: producer, prefix })
  await queue.addBulk(
    Array.from({ length: count }, (_, n) => ({
      name: 'noop',
      data: { n },
      opts: {
        removeOnComplete: { count: 1000 },
        removeOnFail: false,
        attempts: 3,
        ...(priority === undefined ? {} : { priority }),
      },
    })),
  )
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  let done = 0
  const started = performance.now()
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker(name, () => Promise.resolve(undefined), {
      connection,
      prefix,
      concurrency: CONCURRENCY,
    })
    worker.on('completed', () => {
      if (++done === count) void worker.close().then(() => resolve())
    })
  })
  await finished
  const elapsed = performance.now() - started
  await queue.obliterate({ force: true })
  await queue.close()
  await Promise.all([producer.quit(), connection.quit()])
  return elapsed
}

export async function ours(
  redisUrl: string | undefined,
  prefix: string,
  count = TASKS,
): Promise<number> {
  const name = `ours-${randomUUID().slice(0, 8)}`
  const tasks = createTaskQueue({
    name,
    ...(redisUrl ? { redis: redisUrl, prefix } : {}),
    concurrency: CONCURRENCY,
  })
  let done = 0
  let resolve!: () => void
  const finished = new Promise<void>((settle) => (resolve = settle))
  tasks.on('completed', () => {
    if (++done === count) resolve()
  })
  // Enqueue through a producer-only queue, so the worker starts only when the clock does.
  const producer = redisUrl
    ? createTaskQueue({ name, redis: redisUrl, prefix, worker: false, commandTimeout: '60s' })
    : undefined
  if (producer) {
    await producer.enqueueMany(
      Array.from({ length: count }, (_, n) => ({ name: 'noop', data: { n } })),
    )
  }
  const started = performance.now()
  tasks.define('noop', () => undefined)
  if (!producer) {
    await tasks.enqueueMany(
      Array.from({ length: count }, (_, n) => ({ name: 'noop', data: { n } })),
    )
  }
  await finished
  const elapsed = performance.now() - started
  await tasks.close()
  if (producer) await producer.close()
  if (redisUrl) {
    await obliterateQueue(redisUrl, prefix, name)
  }
  return elapsed
}

export async function throughputBench(redisUrl: string, prefix: string): Promise<string> {
  const contenders: [string, () => Promise<number>][] = [
    ['raw BullMQ Worker', () => rawBullmq(redisUrl, prefix)],
    // Our default priority `normal` is BullMQ priority 2: jobs go through BullMQ's prioritized
    // set, which costs Redis two more commands per job than the plain wait list (an INCR of
    // the priority counter, a ZADD and ZPOPMIN instead of the list moves). This row is raw
    // BullMQ paying the same; `normal` cannot use the wait list (see docs/benchmarks.md).
    ['raw BullMQ Worker, priority 2', () => rawBullmq(redisUrl, prefix, 2)],
    ['@bi-perf/tasks (BullMQ)', () => ours(redisUrl, prefix)],
    ['@bi-perf/tasks (in-process)', () => ours(undefined, prefix)],
  ]
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
  for (let round = 0; round < 5; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const [name, run] of order) samples.get(name)!.push(await run())
  }
  const rawPriority = 'raw BullMQ Worker, priority 2'
  // Ours against raw BullMQ at the same priority, round by round (same round, adjacent runs).
  const perRound = samples
    .get('@bi-perf/tasks (BullMQ)')!
    .map((ms, round) => ratio(samples.get(rawPriority)![round]!, ms))
  const results: DrainResult[] = contenders.map(([name]) => {
    const drainMs = median(samples.get(name)!)
    return { name, drainMs, tasksPerSec: (TASKS / drainMs) * 1000 }
  })
  const raw = results[0]!.tasksPerSec
  const samePriority = results[1]!.tasksPerSec
  const lines = [
    `### ${TASKS.toLocaleString('en')} no-op tasks, concurrency ${CONCURRENCY} (median of 5 alternating rounds)`,
    '',
    '| contender | tasks/s | drain ms | × raw BullMQ | × raw BullMQ, priority 2 |',
    '|---|---|---|---|---|',
    ...results.map(
      (result) =>
        `| ${result.name} | ${formatOps(result.tasksPerSec)} | ${result.drainMs.toFixed(0)} | ${ratio(result.tasksPerSec, raw)} | ${ratio(result.tasksPerSec, samePriority)} |`,
    ),
    '',
    `Ours on BullMQ ÷ raw BullMQ at priority 2, per round: ${perRound.join(', ')}.`,
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  return text
}
