import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createTaskQueue, type TaskQueue, type TaskQueueOptions } from '../src/index.js'

/** The shared Redis the suite runs against. A missing server fails the tests, never skips them. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

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

/** Polls until the condition holds, failing after the deadline. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, what = 'condition' } = {},
): Promise<number> {
  const started = Date.now()
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return Date.now() - started
}

/** A promise with its resolve function, for handlers that block until a test lets them go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}
