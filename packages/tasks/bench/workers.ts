// Task throughput with 1, 2 and 3 worker processes sharing one queue. Each drain enqueues every
// task first, boots the worker processes, then starts the clock and tells them to work; the
// drain ends when the queue has nothing waiting or active. Rounds alternate the order and the
// median round counts.
import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { Cluster, Redis } from 'ioredis'
import { createTaskQueue } from '@bi-perf/tasks'
import { formatOps, median } from '@bi-perf/bench'

const CONCURRENCY = 20
const ROUNDS = 3

/** Where the queue lives: the shared single Redis, or the nodes of a cluster. */
export type WorkersTarget = { label: string; redis: string | { host: string; port: number }[] }

interface Workload {
  label: string
  tasks: number
  taskMs: number
}

const WORKLOADS: Workload[] = [
  { label: 'no-op', tasks: 10_000, taskMs: 0 },
  { label: '5 ms', tasks: 5_000, taskMs: 5 },
]

function client(target: WorkersTarget): Redis | Cluster {
  return typeof target.redis === 'string'
    ? new Redis(target.redis, { maxRetriesPerRequest: null })
    : new Cluster(target.redis, { redisOptions: { maxRetriesPerRequest: null } })
}

async function drain(target: WorkersTarget, workload: Workload, workers: number): Promise<number> {
  const name = `workers-${randomUUID().slice(0, 8)}`
  // A hash tag keeps a queue's keys in one slot on a cluster; harmless on a single Redis.
  const prefix = `bi-perf-bench:{${name}}`
  const connection = client(target)
  // 10 k tasks in one addBulk take longer than the default 500 ms command timeout on 2 cores.
  const producer = createTaskQueue({
    name,
    redis: connection,
    prefix,
    worker: false,
    commandTimeout: '60s',
  })
  await producer.enqueueMany(
    Array.from({ length: workload.tasks }, (_, n) => ({ name: 'work', data: { n } })),
  )
  const setup = JSON.stringify({
    name,
    prefix,
    redis: target.redis,
    concurrency: CONCURRENCY,
    taskMs: workload.taskMs,
  })
  const children: ChildProcess[] = []
  await Promise.all(
    Array.from({ length: workers }, () => {
      const child = fork(new URL('./worker-process.ts', import.meta.url), [setup], {
        execArgv: ['--import', 'tsx'],
      })
      children.push(child)
      return new Promise((resolve) => child.once('message', resolve))
    }),
  )
  const queue = new Queue(name, { connection, prefix })
  const started = performance.now()
  for (const child of children) child.send('go')
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed')
    if (Object.values(counts).every((count) => count === 0)) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const elapsed = performance.now() - started
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send('stop')
      return exited
    }),
  )
  await queue.obliterate({ force: true })
  await queue.close()
  await producer.close()
  connection.disconnect()
  return elapsed
}

/** Drains each workload with 1, 2 and 3 worker processes; tasks/s and the ratio to one worker. */
export async function workersBench(target: WorkersTarget): Promise<string> {
  const lines = [
    `### Worker processes sharing one queue — ${target.label} (concurrency ${CONCURRENCY} each, median of ${ROUNDS} rounds)`,
    '',
    '| workload | workers | tasks/s | drain ms | × 1 worker |',
    '|---|---|---|---|---|',
  ]
  for (const workload of WORKLOADS) {
    const counts = [1, 2, 3]
    const samples = new Map<number, number[]>(counts.map((count) => [count, []]))
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? counts : [...counts].reverse()
      for (const count of order) samples.get(count)!.push(await drain(target, workload, count))
    }
    let single = 0
    for (const count of counts) {
      const drainMs = median(samples.get(count)!)
      const perSec = (workload.tasks / drainMs) * 1_000
      if (count === 1) single = perSec
      lines.push(
        `| ${workload.tasks.toLocaleString('en')} × ${workload.label} | ${count} | ${formatOps(perSec)} | ${drainMs.toFixed(0)} | ${(perSec / single).toFixed(2)}× |`,
      )
    }
  }
  lines.push('')
  const text = lines.join('\n')
  console.log(text)
  return text
}
