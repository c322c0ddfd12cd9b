import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { redisUrl, waitFor as poll, type WaitOptions } from '@bi-perf/test-services'
import { createTaskQueue, type TaskQueue, type TaskQueueOptions } from '../src/index.js'

/** The shared Redis the suite runs against. A missing server fails the tests, never skips them. */
export const REDIS_URL = redisUrl()

/** A BullMQ key prefix no other run uses. */
export const PREFIX = `bi-perf-test-${randomUUID().slice(0, 8)}`

/** A queue name no other test uses. */
export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`
}

export type BackendKind = 'memory' | 'bullmq'

/**
 * Opens task queues on one backend and cleans up after a test: closes them, and on BullMQ
 * obliterates every queue it used.
 */
export class Harness {
  readonly opened: TaskQueue[] = []
  readonly names = new Set<string>()

  constructor(readonly kind: BackendKind) {}

  open(options: TaskQueueOptions): TaskQueue {
    this.names.add(options.name)
    const queue = createTaskQueue({
      ...(this.kind === 'bullmq' ? { redis: REDIS_URL, prefix: PREFIX } : {}),
      ...options,
    })
    this.opened.push(queue)
    return queue
  }

  async cleanup() {
    await Promise.all(this.opened.splice(0).map((queue) => queue.close({ timeout: '5s' })))
    if (this.kind === 'bullmq') {
      for (const name of this.names) await obliterate(name)
    }
    this.names.clear()
  }
}

/** Removes every key of a BullMQ queue of this run. */
export async function obliterate(name: string) {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  const queue = new Queue(name, { connection, prefix: PREFIX })
  try {
    await queue.obliterate({ force: true })
  } finally {
    await queue.close()
    await connection.quit()
  }
}

/**
 * The shared `waitFor` of @bi-perf/test-services with a 15 s deadline instead of 5 s: a task's
 * trip through BullMQ (enqueue, worker poll, completion) on a loaded two-core machine can take
 * seconds, and these tests are about behaviour, not speed.
 */
export function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<number> {
  return poll(condition, { timeoutMs: 15_000, ...options })
}

/**
 * Defines task `job` on a queue of concurrency 1 and starts one that blocks it, so the tasks a test
 * enqueues next wait; `blocker.open()` lets them run, and `order` collects their `label`s as they do.
 */
export async function blockedByOneTask(tasks: TaskQueue) {
  const blocker = gate()
  const order: string[] = []
  tasks.define('job', async ({ label }: { label: string }) => {
    if (label === 'blocker') await blocker.promise
    else order.push(label)
  })
  await tasks.enqueue('job', { label: 'blocker' }, { priority: 'critical' })
  await waitFor(async () => (await tasks.status()).counts.active === 1, { what: 'blocker start' })
  return { blocker, order }
}

/** A promise with its resolve function, for handlers that block until a test lets them go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}
