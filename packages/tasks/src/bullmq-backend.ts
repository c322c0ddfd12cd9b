import { Queue, WaitingError, Worker, type Job, type JobsOptions } from 'bullmq'
import { Redis, type Cluster } from 'ioredis'
import type { Attempt, Backend, WorkerHooks } from './backend.js'
import { backoffDelay, decodeBackoff, encodeBackoff } from './backoff.js'
import { CompletionCounter } from './completion-counter.js'
import { asError, isThenable } from './thenable.js'
import type { ResolvedOptions } from './options.js'
import { RedisGuard } from './redis-guard.js'
import type { FailedTask, TaskCounts, TaskQueueAvailability } from './types.js'
import { PRIORITY_LEVELS, type PreparedTask } from './validate.js'

type Client = Redis | Cluster

/**
 * A given client may be lazy or refuse to queue while offline (the settings a cache wants);
 * BullMQ's worker connection must connect by itself and queue across reconnects.
 */
const WORKER_CONNECTION = { lazyConnect: false, enableOfflineQueue: true }

/**
 * The producer connection (enqueue, status) never keeps a command for later: while disconnected
 * a command is refused at once (no offline queue), and one in flight when the connection drops
 * fails then and is not sent again after the reconnect (`maxRetriesPerRequest: 0`, no resend).
 * With BullMQ's defaults (offline queue, 20 retries) an enqueue reported as failed was still
 * sent when Redis came back, and its task ran. BullMQ's Queue accepts this: only blocking
 * (worker) connections need `maxRetriesPerRequest: null`.
 */
function producerOptions(commandTimeout: number) {
  return {
    commandTimeout,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: Math.max(1_000, commandTimeout * 4),
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1_000),
    lazyConnect: false,
  }
}

/**
 * The durable backend on BullMQ 6. Producer and worker each get their own connection (a worker's
 * blocking commands must not delay enqueues), opened from the URL or duplicated from the given
 * client. The worker's has `maxRetriesPerRequest: null` and no command timeout, as BullMQ
 * requires of blocking connections; the producer's fails fast (see `producerOptions`) behind a
 * {@link RedisGuard}.
 */
export class BullMqBackend implements Backend {
  readonly kind = 'bullmq'
  #queue: Queue
  /** The Queue whose start-up is done (see `#started`). */
  #startedQueue: Queue | undefined
  #worker: Worker | undefined
  readonly #producer: Client
  readonly #guard: RedisGuard
  readonly #owned: Client[] = []
  readonly #options: ResolvedOptions
  readonly #completions: CompletionCounter
  /** What every job of this queue carries; a job adds its id, priority and delay. */
  readonly #jobDefaults: JobsOptions

  constructor(options: ResolvedOptions) {
    this.#options = options
    this.#jobDefaults = {
      attempts: options.attempts,
      backoff: { type: encodeBackoff(options.backoff), delay: options.backoff.delay },
      removeOnComplete: { count: options.keepCompleted },
      removeOnFail: false,
    }
    this.#producer = this.#connectProducer()
    this.#guard = new RedisGuard(this.#producer, {
      commandTimeout: options.commandTimeout,
      threshold: options.breaker.threshold,
      halfOpenAfter: options.breaker.halfOpenAfter,
    })
    this.#queue = this.#openQueue()
    this.#completions = new CompletionCounter(
      this.#producer,
      `${options.prefix}:${options.name}:bi-perf-completed`,
    )
  }

  /** The producer's BullMQ queue. */
  get queue(): Queue {
    return this.#queue
  }

  #openQueue(): Queue {
    const queue = new Queue(this.#options.name, {
      connection: this.#producer,
      prefix: this.#options.prefix,
    })
    queue.on('error', () => {
      // Surfaced through the failing call; an unhandled 'error' would crash.
    })
    return queue
  }

  /**
   * BullMQ's start-up on the producer connection (wait for ready, read the server version), or
   * `undefined` once it is done, so a call after start-up waits for nothing but its command. It
   * runs once per Queue: if it failed (the connection dropped during the version read), every
   * later call would fail with it, so the Queue is replaced and the next call starts afresh.
   */
  #started = (): Promise<unknown> | undefined => {
    const queue = this.#queue
    if (this.#startedQueue === queue) return undefined
    return queue.waitUntilReady().then(
      () => {
        if (this.#queue === queue) this.#startedQueue = queue
      },
      (error: unknown) => {
        if (this.#queue === queue) {
          this.#queue = this.#openQueue()
          // The connection is ours and shared with the new Queue: closing the old one keeps it.
          queue.close().catch(() => {})
        }
        throw error
      },
    )
  }

  #connectProducer(): Client {
    const { redis, commandTimeout } = this.#options
    const settings = producerOptions(commandTimeout)
    let client: Client
    if (typeof redis === 'string') {
      client = new Redis(redis, settings)
    } else if ((redis as { isCluster?: boolean }).isCluster === true) {
      const cluster = redis as Cluster
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = settings
      client = cluster.duplicate(undefined, {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        redisOptions: { ...cluster.options.redisOptions, ...perNode, retryStrategy },
      })
    } else {
      client = (redis as Redis).duplicate(settings)
    }
    return this.#own(client)
  }

  #connectWorker(): Client {
    const { redis } = this.#options
    let client: Client
    if (typeof redis === 'string') {
      client = new Redis(redis, { maxRetriesPerRequest: null })
    } else if ((redis as { isCluster?: boolean }).isCluster === true) {
      const cluster = redis as Cluster
      client = cluster.duplicate(undefined, {
        ...WORKER_CONNECTION,
        redisOptions: {
          ...cluster.options.redisOptions,
          maxRetriesPerRequest: null,
          // A given client's timeout (a cache's 100 ms) cut the worker's blocking wait short:
          // on a Cluster passed in that way delayed tasks and retries never ran.
          commandTimeout: undefined,
        },
      })
    } else {
      client = (redis as Redis).duplicate({
        ...WORKER_CONNECTION,
        maxRetriesPerRequest: null,
        commandTimeout: undefined,
      })
    }
    return this.#own(client)
  }

  #own(client: Client): Client {
    client.on('error', () => {
      // ioredis reconnects by itself; the guard and BullMQ report lasting failures.
    })
    this.#owned.push(client)
    return client
  }

  /**
   * One call, one store call: `add` for one task, `addBulk` for more (`enqueueMany`). Concurrent
   * calls are not merged into one `addBulk` (see docs/benchmarks.md, issue 20): BullMQ 6.7 runs
   * one Lua script per job either way, and a merged batch settles only when its last reply is in,
   * so Node and Redis took turns instead of working at the same time (0.6× raw `add`). Sent on
   * their own, concurrent calls still reach Redis back to back, and each caller resumes on its
   * own reply, its error its own.
   */
  add(tasks: PreparedTask[]): Promise<string[]> {
    const defaults = this.#jobDefaults
    const ids: string[] = []
    const jobs = tasks.map((task) => {
      ids.push(task.id)
      const priority = PRIORITY_LEVELS[task.priority]
      // One object literal of a fixed shape (a spread plus added fields cost more, in profiles);
      // BullMQ skips undefined options. The id is the idempotency key: BullMQ adds nothing when
      // a job with this id exists.
      const opts: JobsOptions = {
        attempts: defaults.attempts,
        backoff: defaults.backoff,
        removeOnComplete: defaults.removeOnComplete,
        removeOnFail: defaults.removeOnFail,
        jobId: task.id,
        priority: priority > 0 ? priority : undefined,
        delay: task.delay > 0 ? task.delay : undefined,
      }
      // The data was validated and serialized once; BullMQ serializes again, so hand it the
      // parsed copy rather than the caller's object (which the caller may still mutate).
      return { name: task.name, data: JSON.parse(task.json) as unknown, opts }
    })
    return this.#guard.run('write', 'enqueue', ids, this.#started, () =>
      jobs.length === 1
        ? this.#queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts).then(jobIds)
        : this.#queue.addBulk(jobs).then(jobIds),
    )
  }

  startWorker(hooks: WorkerHooks, concurrency: number) {
    const options = this.#options
    const worker = new Worker(
      options.name,
      // Two parameters, not three: BullMQ creates an AbortController per job only for a
      // processor that takes its signal, and aborts that signal only from worker.cancelJob(),
      // which this package never calls. Timeouts and shutdown abort ctx.signal themselves.
      (job: Job, token?: string) => {
        const attempt = new BullAttempt(job, token)
        let result: unknown
        try {
          result = hooks.run(attempt)
        } catch (error) {
          return Promise.reject(asError(error))
        }
        // BullMQ awaits what the processor returns: a plain value needs no promise of ours.
        if (!isThenable(result)) return result as Promise<unknown>
        return Promise.resolve(result).catch((error: unknown) => {
          throw error === attempt.requeued ? error : asError(error)
        })
      },
      {
        connection: this.#connectWorker(),
        prefix: options.prefix,
        concurrency,
        autorun: true,
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
        maxStalledCount: 2,
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
    this.#completions.start()
    worker.on('completed', (job) => {
      this.#completions.add()
      hooks.settled(settlement(job, undefined, true))
    })
    worker.on('failed', (job, error) => {
      if (!job) return
      const attempts = job.opts.attempts ?? 1
      const final = job.attemptsMade >= attempts || job.finishedOn !== undefined
      hooks.settled(settlement(job, error, final))
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

  figures(): Promise<{ counts: TaskCounts; throughputPerMinute: number }> {
    return this.#guard.run('read', 'status', [], this.#started, async () => {
      const [counts, throughputPerMinute] = await Promise.all([
        this.#queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
        this.#completions.perMinute(),
      ])
      // BullMQ keeps prioritized jobs in their own sorted set, outside `wait`: a backlog read
      // from `wait` alone misses every task enqueued with a priority.
      const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0)
      const delayed = counts.delayed ?? 0
      return {
        counts: {
          waiting,
          delayed,
          active: counts.active ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          backlog: waiting + delayed,
        },
        throughputPerMinute,
      }
    })
  }

  load(): Promise<{ waiting: number; oldestWaitMs: number }> {
    return this.#guard.run('read', 'status', [], this.#started, async () => {
      const [counts, plain, prioritized] = await Promise.all([
        this.#queue.getJobCounts('wait', 'prioritized'),
        this.#queue.getJobs(['wait'], 0, 0, true),
        this.#queue.getJobs(['prioritized'], 0, 0, true),
      ])
      const now = Date.now()
      let oldest = 0
      for (const job of [...plain, ...prioritized]) {
        if (job) oldest = Math.max(oldest, now - readyAt(job as Job))
      }
      return { waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0), oldestWaitMs: oldest }
    })
  }

  failed(limit: number): Promise<FailedTask[]> {
    return this.#guard.run('read', 'failed', [], this.#started, async () => {
      const jobs = (await this.#queue.getFailed(0, limit - 1)) as Job[]
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
    })
  }

  retryFailed(): Promise<number> {
    return this.#guard.run('write', 'retryFailed', [], this.#started, async () => {
      const count = await this.#queue.getFailedCount()
      await this.#queue.retryJobs({ state: 'failed', count: 1000 })
      return count
    })
  }

  availability(): TaskQueueAvailability {
    return this.#guard.availability()
  }

  async pause(): Promise<void> {
    // Stops fetching; in-flight jobs go on. Only this worker: other workers keep running.
    await this.#worker?.pause(true)
  }

  async close(): Promise<void> {
    await this.#worker?.close()
    await this.#completions.stop()
    await this.#queue.close()
    await Promise.all(
      this.#owned.map(async (client) => {
        // QUIT on a client that is not connected would wait for a reconnect that may never come.
        if (client.status !== 'ready') {
          client.disconnect()
          return
        }
        try {
          await client.quit()
        } catch {
          client.disconnect()
        }
      }),
    )
  }
}

/** One attempt of a BullMQ job, as the runner sees it; methods instead of per-job closures. */
class BullAttempt implements Attempt {
  readonly id: string
  readonly name: string
  readonly data: unknown
  readonly attempt: number
  readonly attempts: number
  /** The error `requeue()` handed out, so it is passed to BullMQ as it is. */
  requeued: Error | undefined

  readonly signal = undefined

  constructor(
    readonly job: Job,
    readonly token: string | undefined,
  ) {
    this.id = job.id!
    this.name = job.name
    this.data = job.data as unknown
    this.attempt = job.attemptsMade + 1
    this.attempts = job.opts.attempts ?? 1
  }

  get readyAt(): number {
    return readyAt(this.job)
  }

  progress(value: number | Record<string, unknown>): Promise<void> {
    return this.job.updateProgress(value)
  }

  async requeue(): Promise<Error> {
    await this.job.moveToWait(this.token)
    this.requeued = new WaitingError()
    return this.requeued
  }
}

function jobIds(added: Job | Job[]): string[] {
  return Array.isArray(added) ? added.map((job) => job.id!) : [added.id!]
}

function readyAt(job: Job): number {
  return job.timestamp + (job.opts.delay ?? 0)
}

/** What the queue is told about a finished attempt, from BullMQ's job record. */
function settlement(
  job: Job,
  error: Error | undefined,
  final: boolean,
): Parameters<WorkerHooks['settled']>[0] {
  return {
    id: job.id!,
    name: job.name,
    attempt: job.attemptsMade,
    waitMs: Math.max(0, (job.processedOn ?? 0) - readyAt(job)),
    runMs: Math.max(0, (job.finishedOn ?? Date.now()) - (job.processedOn ?? 0)),
    error,
    final,
  }
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
