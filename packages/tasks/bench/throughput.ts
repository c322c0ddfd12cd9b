// 10 k no-op tasks at concurrency 50: raw BullMQ, ours on BullMQ, ours in process. Each round
// enqueues every task first, then starts the worker and times the drain; rounds alternate order
// and the median round counts.
import { randomUUID } from 'node:crypto'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { createTaskQueue } from '@bi-perf/tasks'
import { formatOps, ratio } from '@bi-perf/bench'

const TASKS = 10_000
const CONCURRENCY = 50

export interface DrainResult {
  name: string
  tasksPerSec: number
  drainMs: number
}

async function rawBullmq(redisUrl: string, prefix: string, priority?: number): Promise<number> {
  const name = `raw-${randomUUID().slice(0, 8)}`
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(name, { connection: producer, prefix })
  await queue.addBulk(
    Array.from({ length: TASKS }, (_, n) => ({
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
      if (++done === TASKS) void worker.close().then(() => resolve())
    })
  })
  await finished
  const elapsed = performance.now() - started
  await queue.obliterate({ force: true })
  await queue.close()
  await Promise.all([producer.quit(), connection.quit()])
  return elapsed
}

async function ours(redisUrl: string | undefined, prefix: string): Promise<number> {
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
    if (++done === TASKS) resolve()
  })
  // Enqueue through a producer-only queue, so the worker starts only when the clock does.
  const producer = redisUrl
    ? createTaskQueue({ name, redis: redisUrl, prefix, worker: false })
    : undefined
  if (producer) {
    await producer.enqueueMany(
      Array.from({ length: TASKS }, (_, n) => ({ name: 'noop', data: { n } })),
    )
  }
  const started = performance.now()
  tasks.define('noop', () => undefined)
  if (!producer) {
    await tasks.enqueueMany(
      Array.from({ length: TASKS }, (_, n) => ({ name: 'noop', data: { n } })),
    )
  }
  await finished
  const elapsed = performance.now() - started
  await tasks.close()
  if (producer) await producer.close()
  if (redisUrl) {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
    const queue = new Queue(name, { connection, prefix })
    await queue.obliterate({ force: true })
    await queue.close()
    await connection.quit()
  }
  return elapsed
}

export async function throughputBench(redisUrl: string, prefix: string): Promise<string> {
  const contenders: [string, () => Promise<number>][] = [
    ['raw BullMQ Worker', () => rawBullmq(redisUrl, prefix)],
    // Our default priority `normal` is BullMQ priority 2: jobs go through BullMQ's prioritized
    // set, which costs Redis four more commands per job than the plain wait list. This row is
    // raw BullMQ paying the same.
    ['raw BullMQ Worker, priority 2', () => rawBullmq(redisUrl, prefix, 2)],
    ['@bi-perf/tasks (BullMQ)', () => ours(redisUrl, prefix)],
    ['@bi-perf/tasks (in-process)', () => ours(undefined, prefix)],
  ]
  const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
  for (let round = 0; round < 5; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const [name, run] of order) samples.get(name)!.push(await run())
  }
  const results: DrainResult[] = contenders.map(([name]) => {
    const sorted = samples.get(name)!.sort((a, b) => a - b)
    const drainMs = sorted[Math.floor(sorted.length / 2)]!
    return { name, drainMs, tasksPerSec: (TASKS / drainMs) * 1000 }
  })
  const raw = results[0]!.tasksPerSec
  const lines = [
    `### ${TASKS.toLocaleString('en')} no-op tasks, concurrency ${CONCURRENCY} (median of 5 rounds)`,
    '',
    '| contender | tasks/s | drain ms | × raw BullMQ |',
    '|---|---|---|---|',
    ...results.map(
      (result) =>
        `| ${result.name} | ${formatOps(result.tasksPerSec)} | ${result.drainMs.toFixed(0)} | ${ratio(result.tasksPerSec, raw)} |`,
    ),
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  return text
}
