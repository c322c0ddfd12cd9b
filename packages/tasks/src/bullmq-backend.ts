import { Queue, WaitingError, Worker, type Job, type JobsOptions } from 'bullmq'
import { Redis, type Cluster } from 'ioredis'
import type { Attempt, Backend, WorkerHooks } from './backend.js'
import { backoffDelay, decodeBackoff, encodeBackoff } from './backoff.js'
import type { ResolvedBackoff, ResolvedOptions } from './options.js'
import type { FailedTask, TaskCounts } from './types.js'
import { PRIORITY_LEVELS, type PreparedTask } from './validate.js'

type Client = Redis | Cluster

/**
 * A given client may be lazy or refuse to queue while offline (the settings a cache wants);
 * BullMQ's connections must connect by themselves and queue across reconnects.
 */
const OWN_CONNECTION = { lazyConnect: false, enableOfflineQueue: true }

/**
 * Command timeouts of BullMQ's own connections. A given client's timeout (a cache's 100 ms) is
 * not BullMQ's: it cut the worker's blocking wait short, so on a Cluster passed in that way
 * delayed tasks and retries never ran, and it failed producers' `addBulk` of hundreds of jobs on
 * a busy Redis. The blocking connection waits as long as BullMQ asks; every other command gets
 * 5 s, so a Redis that stops answering fails an enqueue rather than hanging it.
 */
function commandTimeout(blocking: boolean) {
  return { commandTimeout: blocking ? undefined : 5_000 }
}

/**
 * The durable backend on BullMQ 6. Producer and worker each get their own connection (a worker's
 * blocking commands must not delay enqueues), opened from the URL or duplicated from the given
 * client with `maxRetriesPerRequest: null`, as BullMQ requires of worker connections.
 */
export class BullMqBackend implements Backend {
  readonly kind = 'bullmq'
  readonly queue: Queue
  #worker: Worker | undefined
  readonly #owned: Client[] = []
  readonly #options: ResolvedOptions

  constructor(options: ResolvedOptions) {
    this.#options = options
    const connection = this.#connect(false)
    this.queue = new Queue(options.name, { connection, prefix: options.prefix })
    this.queue.on('error', () => {
      // Surfaced through the worker or the failing call; an unhandled 'error' would crash.
    })
  }

  #connect(blocking: boolean): Client {
    const { redis } = this.#options
    let client: Client
    if (typeof redis === 'string') {
      client = new Redis(redis, {
        ...commandTimeout(blocking),
        maxRetriesPerRequest: blocking ? null : 20,
        ...(blocking ? {} : { enableOfflineQueue: true }),
      })
    } else if ((redis as { isCluster?: boolean }).isCluster === true) {
      const cluster = redis as Cluster
      client = cluster.duplicate(undefined, {
        ...OWN_CONNECTION,
        redisOptions: {
          ...cluster.options.redisOptions,
          maxRetriesPerRequest: null,
          ...commandTimeout(blocking),
        },
      })
    } else {
      client = (redis as Redis).duplicate({
        ...OWN_CONNECTION,
        maxRetriesPerRequest: blocking ? null : 20,
        ...commandTimeout(blocking),
      })
    }
    client.on('error', () => {
      // ioredis reconnects by itself; BullMQ reports lasting failures on its own objects.
    })
    this.#owned.push(client)
    return client
  }

  async add(
    tasks: PreparedTask[],
    retry: { attempts: number; backoff: ResolvedBackoff },
  ): Promise<string[]> {
    const backoff = { type: encodeBackoff(retry.backoff), delay: retry.backoff.delay }
    const jobs = tasks.map((task) => {
      const opts: JobsOptions = {
        attempts: retry.attempts,
        backoff,
        removeOnComplete: { count: this.#options.keepCompleted },
        removeOnFail: false,
      }
      const priority = PRIORITY_LEVELS[task.priority]
      if (priority > 0) opts.priority = priority
      if (task.delay > 0) opts.delay = task.delay
      if (task.id !== undefined) opts.jobId = task.id
      // The data was validated and serialized once; BullMQ serializes again, so hand it the
      // parsed copy rather than the caller's object (which the caller may still mutate).
      return { name: task.name, data: JSON.parse(task.json) as unknown, opts }
    })
    const added =
      jobs.length === 1
        ? [await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts)]
        : await this.queue.addBulk(jobs)
    return added.map((job) => job.id!)
  }

  startWorker(hooks: WorkerHooks, concurrency: number) {
    const options = this.#options
    const worker = new Worker(
      options.name,
      async (job: Job, token?: string, signal?: AbortSignal) => {
        let requeued: Error | undefined
        const attempt: Attempt = {
          id: job.id!,
          name: job.name,
          data: job.data as unknown,
          attempt: job.attemptsMade + 1,
          attempts: job.opts.attempts ?? 1,
          readyAt: readyAt(job),
          signal,
          progress: (value) => job.updateProgress(value),
          requeue: async () => {
            await job.moveToWait(token)
            requeued = new WaitingError()
            return requeued
          },
        }
        try {
          return await hooks.run(attempt)
        } catch (error) {
          if (requeued !== undefined && error === requeued) throw error
          throw error instanceof Error ? error : new Error(String(error))
        }
      },
      {
        connection: this.#connect(true),
        prefix: options.prefix,
        concurrency,
        autorun: true,
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
        maxStalledCount: 2,
        metrics: { maxDataPoints: 60 * 24 },
        removeOnComplete: { count: options.keepCompleted },
        ...(options.rateLimit
          ? { limiter: { max: options.rateLimit.max, duration: options.rateLimit.per } }
          : {}),
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            backoffDelay(attemptsMade, decodeBackoff(type) ?? options.backoff),
        },
      },
    )
    worker.on('completed', (job) => {
      hooks.settled({
        id: job.id!,
        name: job.name,
        attempt: job.attemptsMade,
        waitMs: Math.max(0, (job.processedOn ?? 0) - readyAt(job)),
        runMs: Math.max(0, (job.finishedOn ?? Date.now()) - (job.processedOn ?? 0)),
        error: undefined,
        final: true,
      })
    })
    worker.on('failed', (job, error) => {
      if (!job) return
      const attempts = job.opts.attempts ?? 1
      hooks.settled({
        id: job.id!,
        name: job.name,
        attempt: job.attemptsMade,
        waitMs: Math.max(0, (job.processedOn ?? 0) - readyAt(job)),
        runMs: Math.max(0, (job.finishedOn ?? Date.now()) - (job.processedOn ?? 0)),
        error,
        final: job.attemptsMade >= attempts || job.finishedOn !== undefined,
      })
    })
    worker.on('error', (error) => hooks.error(error))
    this.#worker = worker
  }

  setConcurrency(concurrency: number) {
    const worker = this.#worker
    if (!worker) return
    const raised = concurrency > worker.concurrency
    worker.concurrency = concurrency
    if (raised) wakeMainLoop(worker)
  }

  async counts(): Promise<TaskCounts> {
    const counts = await this.queue.getJobCounts(
      'wait',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    )
    // BullMQ keeps prioritized jobs in their own sorted set, outside `wait`: a backlog read from
    // `wait` alone misses every task enqueued with a priority.
    const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0)
    const delayed = counts.delayed ?? 0
    return {
      waiting,
      delayed,
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      backlog: waiting + delayed,
    }
  }

  async oldestWaitMs(): Promise<number> {
    const [plain, prioritized] = await Promise.all([
      this.queue.getJobs(['wait'], 0, 0, true),
      this.queue.getJobs(['prioritized'], 0, 0, true),
    ])
    const now = Date.now()
    let oldest = 0
    for (const job of [...plain, ...prioritized]) {
      if (job) oldest = Math.max(oldest, now - readyAt(job as Job))
    }
    return oldest
  }

  async throughputPerMinute(): Promise<number> {
    const metrics = await this.queue.getMetrics('completed', 0, 0)
    return metrics.data[0] ?? 0
  }

  async failed(limit: number): Promise<FailedTask[]> {
    const jobs = (await this.queue.getFailed(0, limit - 1)) as Job[]
    return jobs
      .filter((job) => job !== undefined)
      .map((job) => ({
        id: job.id!,
        name: job.name,
        data: job.data as unknown,
        error: job.failedReason,
        reasons: (job.stacktrace ?? []).map(firstLine),
        attempts: job.attemptsMade,
        failedAt: job.finishedOn ?? 0,
      }))
  }

  async retryFailed(): Promise<number> {
    const count = await this.queue.getFailedCount()
    await this.queue.retryJobs({ state: 'failed', count: 1000 })
    return count
  }

  async pause(): Promise<void> {
    // Stops fetching; in-flight jobs go on. Only this worker: other workers keep running.
    await this.#worker?.pause(true)
  }

  async close(): Promise<void> {
    await this.#worker?.close()
    await this.queue.close()
    await Promise.all(
      this.#owned.map(async (client) => {
        try {
          await client.quit()
        } catch {
          client.disconnect()
        }
      }),
    )
  }
}

function readyAt(job: Job): number {
  return job.timestamp + (job.opts.delay ?? 0)
}

// BullMQ keeps each attempt's `err.stack`; its first line holds the name and message.
function firstLine(stack: string): string {
  const line = stack.split('\n', 1)[0] ?? ''
  return line.replace(/^\w*Error: /, '')
}

/**
 * Makes a raised concurrency take effect at once. BullMQ's worker loop, once it runs
 * `concurrency` jobs, waits for one of them to settle before it looks at `concurrency` again, so
 * a raise would wait for the slowest running job. A settled item added to the loop's internal
 * queue wakes it, and it fetches up to the new limit; BullMQ's own `resume()` does the same. The
 * one place that touches BullMQ internals (checked in bullmq 6.7); without them, the raise
 * applies when the next job settles.
 */
function wakeMainLoop(worker: Worker) {
  const internals = worker as unknown as {
    mainLoopQueue?: { add(promise: Promise<unknown>): void } | null
  }
  internals.mainLoopQueue?.add(Promise.resolve())
}
