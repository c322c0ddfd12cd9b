import { EventEmitter } from 'node:events'
import { Autoscaler } from './autoscaler.js'
import { DeadlineTimer } from './deadline-timer.js'
import type { Attempt, Backend } from './backend.js'
import { parseDuration } from './duration.js'
import {
  HandlerDefinitionError,
  InvalidArgumentError,
  InvalidOptionError,
  ShutdownError,
  TaskQueueClosedError,
  TaskTimeoutError,
  UnknownTaskError,
} from './errors.js'
import { OPTION_NAMES, RECONFIGURABLE_NAMES } from './option-names.js'
import { read } from './option-reader.js'
import { resolveConcurrency, resolveOptions, type ResolvedOptions } from './options.js'
import type {
  CloseOptions,
  CloseResult,
  DefineOptions,
  EnqueueOptions,
  FailedTask,
  ScaleDecision,
  TaskHandler,
  TaskQueueAvailability,
  TaskQueueEvents,
  TaskQueueOptions,
  TaskQueueReconfiguration,
  TaskQueueSettings,
  TaskQueueStatus,
  TaskSpec,
} from './types.js'
import { TaskRun, type RunOwner } from './task-run.js'
import { asError, isThenable } from './thenable.js'
import { checkTaskName, prepareTask, type PreparedTask } from './validate.js'

/** How long `close()` waits for in-flight tasks by default (an argument of close, not an option). */
const DEFAULT_CLOSE_TIMEOUT = '30s'

interface Definition {
  handler: TaskHandler<never, unknown>
  timeout: number
}

const WINDOW = 1000

/** Before the backend module has loaded (one tick after creation), nothing has failed yet. */
const STARTING: TaskQueueAvailability = Object.freeze({
  available: true,
  connection: 'wait',
  breaker: 'closed',
  downSince: null,
  reason: null,
})

/**
 * A background task queue: on BullMQ when `redis` is given, in process otherwise, with one API.
 * Create it with {@link createTaskQueue}.
 */
export class TaskQueue extends EventEmitter<TaskQueueEvents> {
  readonly #options: ResolvedOptions
  #backend: Backend | undefined
  readonly #backendReady: Promise<Backend>
  readonly #definitions = new Map<string, Definition>()
  readonly #inFlight = new Set<TaskRun>()
  readonly #deadlines = new DeadlineTimer()
  #autoscaler: Autoscaler | undefined
  readonly #decisions: ScaleDecision[] = []
  // Ring buffers of this process's last finished attempts, for the averages of status().
  readonly #waits = new Float64Array(WINDOW)
  readonly #runs = new Float64Array(WINDOW)
  readonly #outcomes = new Uint8Array(WINDOW)
  #samples = 0
  readonly #processed = { completed: 0, failed: 0, retried: 0 }
  #concurrency: number
  #workerStarted = false
  /** Set once the backend runs this process's worker (after the first `define`). */
  #workerRunning = false
  #closing: Promise<CloseResult> | undefined

  constructor(options: TaskQueueOptions) {
    super()
    this.#options = resolveOptions(options)
    this.#concurrency = this.#options.worker ? this.#options.concurrency.min : 0
    this.#backendReady = this.#openBackend()
    // A rejected open (e.g. a missing ioredis) is reported by the first call that needs it.
    this.#backendReady.catch(() => {})
    if (this.#autoscaling) this.#autoscaler = this.#createAutoscaler()
  }

  /** Whether the autoscaler should run: a worker with a concurrency range. */
  get #autoscaling(): boolean {
    const { concurrency, worker } = this.#options
    return worker && concurrency.min < concurrency.max
  }

  #createAutoscaler(): Autoscaler {
    const { concurrency, autoscale } = this.#options
    const probe = autoscale.probe
    return new Autoscaler(
      { ...concurrency, ...autoscale },
      {
        read: async () => {
          const backend = await this.#backendReady
          const { waiting, oldestWaitMs } = await backend.load()
          return {
            backlog: waiting,
            oldestWaitMs,
            active: this.#inFlight.size,
            current: this.#concurrency,
          }
        },
        apply: (decision) => {
          this.#concurrency = decision.to
          this.#backend?.setConcurrency(decision.to)
          this.#decisions.push(decision)
          if (this.#decisions.length > 20) this.#decisions.shift()
          this.emit('scaled', decision)
        },
        onError: (error) => this.#reportError(error),
      },
      probe ? () => probe.sample() : undefined,
    )
  }

  async #openBackend(): Promise<Backend> {
    const options = this.#options
    if (options.redis === undefined) {
      const { MemoryBackend } = await import('./memory-backend.js')
      this.#backend = new MemoryBackend(options)
    } else {
      // Loaded only when Redis is used, so the in-process queue needs neither bullmq nor ioredis.
      const { BullMqBackend } = await import('./bullmq-backend.js')
      this.#backend = new BullMqBackend(options)
    }
    return this.#backend
  }

  /**
   * Registers the handler of a task name and starts this process's worker (on the first
   * definition). A handler's result must be JSON-serializable; a thrown error fails the attempt.
   *
   * @example
   * tasks.define('generate-insights', async ({ accountId }, ctx) => {
   *   await ctx.progress(10)
   *   return generate(accountId, { signal: ctx.signal })
   * }, { timeout: '2m' })
   */
  define<Data = unknown, Result = unknown>(
    name: string,
    handler: TaskHandler<Data, Result>,
    options: DefineOptions = {},
  ): this {
    this.#assertOpen()
    checkTaskName('name', name)
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError('handler', handler, 'must be a function')
    }
    if (!this.#options.worker) {
      throw new HandlerDefinitionError(
        name,
        'this queue was created with worker: false and only enqueues; define handlers in a worker process',
      )
    }
    if (this.#definitions.has(name)) {
      throw new HandlerDefinitionError(name, 'a handler for this name is already defined')
    }
    const timeout =
      options.timeout === undefined
        ? this.#options.timeout
        : parseDuration('options.timeout', options.timeout)
    this.#definitions.set(name, { handler, timeout })
    if (!this.#workerStarted) {
      this.#workerStarted = true
      void this.#backendReady.then(
        (backend) => {
          if (this.#closing) return
          backend.startWorker(
            {
              run: (attempt) => this.#run(attempt),
              settled: (event) => this.#settled(event),
              error: (error) => this.#reportError(error),
            },
            this.#concurrency,
          )
          this.#workerRunning = true
          // configure() may have fixed the concurrency since the autoscaler was created.
          if (this.#autoscaling) this.#autoscaler?.start()
        },
        (error: unknown) => this.#reportError(error as Error),
      )
    }
    return this
  }

  /**
   * Adds a task and resolves with its id (`options.id`, or a random UUID). Names, priority,
   * delay, id and data are checked here: a bad one rejects with a typed error and nothing is
   * enqueued. With an `id` that already exists, nothing is added and the same id is returned.
   *
   * On BullMQ it fails within `commandTimeout` when Redis is away: `TasksUnavailableError`
   * (`E_TASKS_UNAVAILABLE`) when nothing was sent, so the task will not run;
   * `EnqueueUncertainError` (`E_TASKS_ENQUEUE_UNCERTAIN`) when it was sent but the answer was
   * lost, so retry with `error.taskIds[0]` as `options.id` and it runs once either way.
   *
   * @example
   * const id = await tasks.enqueue('generate-insights', { accountId: 42 }, { priority: 'high' })
   */
  enqueue<Data = unknown>(name: string, data: Data, options?: EnqueueOptions): Promise<string> {
    let task: PreparedTask
    try {
      task = this.#prepare(name, data, options, '')
    } catch (error) {
      return Promise.reject(asError(error))
    }
    return this.#add([task]).then(firstId)
  }

  /**
   * Adds many tasks in one round trip (BullMQ `addBulk`) and resolves with their ids, in order.
   * Every entry is checked first: one bad entry rejects the whole call and nothing is enqueued.
   * Fails as `enqueue` does when Redis is away; an `EnqueueUncertainError` may mean some of the
   * tasks were added and others not, and retrying the same entries with `error.taskIds` as
   * their ids adds only the missing ones.
   *
   * @example
   * await tasks.enqueueMany(accounts.map((id) => ({ name: 'scrape', data: { id } })))
   */
  async enqueueMany(tasks: readonly TaskSpec[]): Promise<string[]> {
    if (!Array.isArray(tasks)) {
      throw new InvalidArgumentError('tasks', tasks, 'must be an array of { name, data, options }')
    }
    const prepared = (tasks as readonly unknown[]).map((entry, index) => {
      const task = entry as TaskSpec
      if (typeof task !== 'object' || task === null) {
        throw new InvalidArgumentError(`tasks[${index}]`, task, 'must be { name, data, options }')
      }
      return this.#prepare(task.name, task.data, task.options, `tasks[${index}]`)
    })
    return prepared.length === 0 ? [] : this.#add(prepared)
  }

  #prepare(name: string, data: unknown, options: EnqueueOptions | undefined, where: string) {
    this.#assertOpen()
    checkTaskName(where ? `${where}.name` : 'name', name)
    const known = this.#options.worker ? this.#definitions : this.#options.taskNames
    if (known !== undefined && !known.has(name)) {
      throw new UnknownTaskError(name, [...known.keys()])
    }
    return prepareTask(name, data, options, where)
  }

  #add(tasks: PreparedTask[]): Promise<string[]> {
    // Once loaded, the backend is called in the caller's own tick: the command is written
    // before `enqueue` returns, and concurrent calls reach Redis back to back.
    const backend = this.#backend
    if (backend !== undefined) return backend.add(tasks)
    return this.#backendReady.then((ready) => ready.add(tasks))
  }

  /**
   * Counts per state, throughput, wait and run times, failure rate, concurrency and the
   * autoscaler's recent decisions, as a plain object.
   *
   * @example
   * const { counts, throughputPerMinute, concurrency } = await tasks.status()
   */
  async status(): Promise<TaskQueueStatus> {
    const backend = await this.#backendReady
    const { counts, throughputPerMinute } = await backend.figures()
    const samples = Math.min(this.#samples, WINDOW)
    let wait = 0
    let run = 0
    let failures = 0
    for (let index = 0; index < samples; index++) {
      wait += this.#waits[index]!
      run += this.#runs[index]!
      failures += this.#outcomes[index]!
    }
    return {
      name: this.#options.name,
      backend: backend.kind,
      worker: this.#options.worker,
      closed: this.#closing !== undefined,
      counts,
      throughputPerMinute,
      averageWaitMs: samples ? wait / samples : 0,
      averageProcessingMs: samples ? run / samples : 0,
      failureRate: samples ? failures / samples : 0,
      processed: { ...this.#processed },
      availability: backend.availability(),
      concurrency: this.#concurrency,
      autoscaler: {
        enabled: this.#autoscaling,
        min: this.#options.worker ? this.#options.concurrency.min : 0,
        max: this.#options.worker ? this.#options.concurrency.max : 0,
        decisions: [...this.#decisions],
      },
    }
  }

  /**
   * Whether Redis is reachable now (the producer connection, the breaker, since when it is
   * away), read without any I/O: cheap enough for a health endpoint. Always available in
   * process.
   *
   * @example
   * if (!tasks.availability().available) return reply.status(503)
   */
  availability(): TaskQueueAvailability {
    return this.#backend?.availability() ?? STARTING
  }

  /**
   * Changes worker concurrency while the queue runs and returns the settings now in force. A
   * number fixes it (the autoscaler stops); a range starts or keeps the autoscaler within it. The
   * current concurrency is clamped into the new range at once, and a raise lets waiting tasks
   * start at once (on BullMQ too). Validated first with the rules of `createTaskQueue`: a call
   * that throws an `InvalidOptionError` changes nothing. A producer (`worker: false`) stores the
   * range and reports it in `settings()`; its `status().concurrency` stays 0.
   *
   * @example
   * tasks.configure({ concurrency: { min: 4, max: 32 } })
   * const { concurrency, autoscaler } = await tasks.status() // autoscaler.enabled: true
   */
  configure(changes: TaskQueueReconfiguration): TaskQueueSettings {
    this.#assertOpen()
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      throw new InvalidOptionError('changes', changes, 'must be an object')
    }
    // Unknown names first (with the closest one), then options fixed at creation.
    read.fields('', changes, OPTION_NAMES.root)
    read.fields('', changes, RECONFIGURABLE_NAMES, { unknown: 'cannot be changed at run time' })
    if (changes.concurrency === undefined) return this.settings()
    const range = resolveConcurrency(changes.concurrency)
    // Validated; from here on nothing throws.
    this.#options.concurrency = range
    if (!this.#options.worker) return this.settings()
    const current = Math.min(range.max, Math.max(range.min, this.#concurrency))
    if (current !== this.#concurrency) {
      this.#concurrency = current
      this.#backend?.setConcurrency(current)
    }
    if (this.#autoscaling) {
      this.#autoscaler ??= this.#createAutoscaler()
      this.#autoscaler.setBounds(range.min, range.max)
      if (this.#workerRunning) this.#autoscaler.start()
    } else {
      this.#autoscaler?.stop()
    }
    return this.settings()
  }

  /**
   * The settings in force: the concurrency range, the concurrency now, and whether the
   * autoscaler runs.
   *
   * @example
   * const { current, autoscale } = tasks.settings()
   */
  settings(): TaskQueueSettings {
    return {
      concurrency: { ...this.#options.concurrency },
      current: this.#concurrency,
      autoscale: this.#autoscaling,
    }
  }

  /**
   * Tasks that failed after their last attempt, with every attempt's error.
   *
   * @example
   * for (const task of await tasks.failed()) console.log(task.id, task.reasons)
   */
  async failed({ limit = 100 } = {}): Promise<FailedTask[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError('limit', limit, 'must be a positive integer')
    }
    const backend = await this.#backendReady
    return backend.failed(limit)
  }

  /**
   * Moves every failed task back to waiting with a fresh set of attempts; resolves with how many.
   *
   * @example
   * const requeued = await tasks.retryFailed()
   */
  async retryFailed(): Promise<number> {
    this.#assertOpen()
    const backend = await this.#backendReady
    return backend.retryFailed()
  }

  /**
   * Graceful shutdown: stops taking tasks and the autoscaler, waits for in-flight tasks up to
   * `timeout`, then gives the ones still running back to the queue (their `ctx.signal` aborts
   * with `ShutdownError`; on BullMQ they go back to waiting at once, so another worker runs them)
   * and closes connections it opened. Idempotent: later calls return the first call's result.
   *
   * @example
   * process.once('SIGTERM', () => void tasks.close({ timeout: '20s' }))
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    this.#closing ??= this.#close(
      parseDuration('timeout', options.timeout ?? DEFAULT_CLOSE_TIMEOUT, { allowZero: true }),
    )
    return this.#closing
  }

  async #close(timeout: number): Promise<CloseResult> {
    this.#autoscaler?.stop()
    this.#options.autoscale.probe?.stop?.()
    let backend: Backend | undefined
    try {
      backend = await this.#backendReady
    } catch {
      return { drained: true, interrupted: 0 }
    }
    await backend.pause()
    const deadline = Date.now() + timeout
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(25, deadline - Date.now())))
    }
    const interrupted = this.#inFlight.size
    if (interrupted > 0) {
      await Promise.all(
        [...this.#inFlight].map(async (run) => {
          try {
            run.stop(await run.source.requeue(), new ShutdownError())
          } catch (error) {
            run.stop(error as Error, new ShutdownError())
          }
        }),
      )
    }
    this.#deadlines.close()
    await backend.close()
    return { drained: interrupted === 0, interrupted }
  }

  /**
   * Runs one attempt. A handler that returns a plain value (or throws) settles here, with no
   * promise, timer or controller of ours; one that returns a promise is watched by the shared
   * deadline timer and raced against its timeout and shutdown.
   */
  #run(attempt: Attempt): unknown {
    const definition = this.#definitions.get(attempt.name)
    if (!definition) throw new UnknownTaskError(attempt.name, [...this.#definitions.keys()])
    const run = new TaskRun(attempt, this.#runOwner)
    this.#inFlight.add(run)
    let result: unknown
    try {
      result = definition.handler(attempt.data as never, run)
    } catch (error) {
      this.#inFlight.delete(run)
      throw error
    }
    if (!isThenable(result)) {
      this.#inFlight.delete(run)
      return result
    }
    run.timeout = definition.timeout
    run.deadline = Date.now() + definition.timeout
    this.#deadlines.watch(run, definition.timeout)
    return run.race(result)
  }

  readonly #runOwner: RunOwner = {
    expired: (run) => new TaskTimeoutError(run.name, run.timeout),
    finished: (run) => {
      this.#inFlight.delete(run)
      this.#deadlines.unwatch(run, run.timeout)
    },
  }

  #settled(event: {
    id: string
    name: string
    attempt: number
    waitMs: number
    runMs: number
    error: Error | undefined
    final: boolean
  }) {
    const slot = this.#samples++ % WINDOW
    this.#waits[slot] = event.waitMs
    this.#runs[slot] = event.runMs
    this.#outcomes[slot] = event.error ? 1 : 0
    if (event.error === undefined) {
      this.#processed.completed++
      if (this.listenerCount('completed') > 0) {
        this.emit('completed', {
          id: event.id,
          name: event.name,
          attempt: event.attempt,
          waitMs: event.waitMs,
          runMs: event.runMs,
        })
      }
      return
    }
    if (event.final) this.#processed.failed++
    else this.#processed.retried++
    if (this.listenerCount('failed') > 0) {
      this.emit('failed', {
        id: event.id,
        name: event.name,
        attempt: event.attempt,
        error: event.error,
        final: event.final,
      })
    }
  }

  #reportError(error: Error) {
    // An 'error' event without a listener would throw and crash the process; a queue's
    // background errors (a Redis reconnect) must not.
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }

  #assertOpen() {
    if (this.#closing) throw new TaskQueueClosedError()
  }
}

/**
 * Creates a task queue: durable on BullMQ when `redis` is given, in-process (single process, not
 * durable) otherwise. Options are validated here; a bad one throws an `InvalidOptionError` naming
 * it, including an ioredis client with `keyPrefix` or a Cluster prefix without a `{hash-tag}`.
 *
 * @example
 * const tasks = createTaskQueue({
 *   name: 'insights',
 *   redis: process.env.REDIS_URL,
 *   concurrency: { min: 2, max: 20 },
 *   retry: { attempts: 5, backoff: { delay: '1s', maxDelay: '1m' } },
 *   timeout: '2m',
 * })
 * tasks.define('generate-insights', async (data, ctx) => generate(data, ctx.signal))
 * await tasks.enqueue('generate-insights', { accountId: 42 }, { priority: 'high' })
 */
export function createTaskQueue(options: TaskQueueOptions): TaskQueue {
  return new TaskQueue(options)
}

function firstId(ids: string[]): string {
  return ids[0]!
}
