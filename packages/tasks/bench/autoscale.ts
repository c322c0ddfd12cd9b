// A burst of 5 k tasks of 10 ms on BullMQ: fixed concurrency 5 against the autoscaler from 5 to 50.
import { randomUUID } from 'node:crypto'
import { createTaskQueue, type TaskQueueOptions } from '@bi-perf/tasks'
import { ratio } from '@bi-perf/bench'
import { obliterateQueue } from './obliterate-queue.js'

const TASKS = 5_000

async function drain(
  redisUrl: string,
  prefix: string,
  concurrency: TaskQueueOptions['concurrency'],
): Promise<{ ms: number; peak: number; changes: number }> {
  const name = `burst-${randomUUID().slice(0, 8)}`
  const producer = createTaskQueue({ name, redis: redisUrl, prefix, worker: false })
  await producer.enqueueMany(
    Array.from({ length: TASKS }, (_, n) => ({ name: 'sleep', data: { n } })),
  )
  const tasks = createTaskQueue({
    name,
    redis: redisUrl,
    prefix,
    concurrency,
    autoscale: { interval: '250ms', cooldown: '500ms' },
  })
  let done = 0
  let peak = 0
  let resolve!: () => void
  const finished = new Promise<void>((settle) => (resolve = settle))
  tasks.on('completed', () => {
    if (++done === TASKS) resolve()
  })
  tasks.on('scaled', (decision) => (peak = Math.max(peak, decision.to)))
  const started = performance.now()
  tasks.define('sleep', () => new Promise((wake) => setTimeout(wake, 10)))
  await finished
  const ms = performance.now() - started
  const changes = (await tasks.status()).autoscaler.decisions.length
  await tasks.close()
  await producer.close()
  await obliterateQueue(redisUrl, prefix, name)
  return { ms, peak: Math.max(peak, typeof concurrency === 'number' ? concurrency : 0), changes }
}

export async function autoscaleBench(redisUrl: string, prefix: string): Promise<string> {
  const fixed = await drain(redisUrl, prefix, 5)
  const scaled = await drain(redisUrl, prefix, { min: 5, max: 50 })
  const text = [
    `### Drain a burst of ${TASKS.toLocaleString('en')} tasks of 10 ms (BullMQ)`,
    '',
    '| configuration | drain s | tasks/s | peak concurrency | scale changes | speed-up |',
    '|---|---|---|---|---|---|',
    `| fixed concurrency 5 | ${(fixed.ms / 1000).toFixed(2)} | ${((TASKS / fixed.ms) * 1000).toFixed(0)} | 5 | 0 | 1.00× |`,
    `| autoscaling 5–50 (interval 250 ms, cooldown 500 ms) | ${(scaled.ms / 1000).toFixed(2)} | ${((TASKS / scaled.ms) * 1000).toFixed(0)} | ${scaled.peak} | ${scaled.changes} | ${ratio(fixed.ms, scaled.ms)} |`,
    '',
  ].join('\n')
  console.log(text)
  return text
}
