import type { Cluster, Redis } from 'ioredis'
import type { Duration } from './duration.js'

export type { Duration } from './duration.js'

/**
 * The four priority levels, in strict order: every waiting `critical` task runs before any `high`
 * one, and so on. Tasks of one level run in the order they were enqueued (FIFO).
 */
export type TaskPriority = 'critical' | 'high' | 'normal' | 'low'

/** What a handler receives beside the task data. */
export interface TaskContext {
  /** The task id (the `id` given to `enqueue`, or a generated one). */
  readonly id: string
  /** The task name. */
  readonly name: string
  /** 1 on the first run, 2 on the first retry, and so on. */
  readonly attempt: number
  /** Attempts allowed in total (`retry.attempts`). */
  readonly attempts: number
  /**
   * Aborted when the task's timeout elapses (reason: `TaskTimeoutError`), when `close()` passes
   * its deadline (reason: `ShutdownError`), or when BullMQ cancels the job. Pass it to `fetch`,
   * database drivers and child processes so the work really stops.
   */
  readonly signal: AbortSignal
  /** Reports progress (a number, e.g. percent, or a small JSON object); visible to monitors. */
  progress(value: number | Record<string, unknown>): Promise<void>
}

/** A task handler: gets the task data, returns a JSON-serializable result (or nothing). */
export type TaskHandler<Data = unknown, Result = unknown> = (
  data: Data,
  ctx: TaskContext,
) => Promise<Result> | Result

/** Options of `define`. */
export interface DefineOptions {
  /**
   * Timeout of this task type; overrides the queue's `timeout`.
   * @default the queue's `timeout`
   */
  timeout?: Duration
}

/** Options of one `enqueue`. */
export interface EnqueueOptions {
  /** @default 'normal' */
  priority?: TaskPriority
  /**
   * Run no earlier than this long from now.
   * @default 0
   */
  delay?: Duration
  /**
   * Idempotency key: while a task with this id exists (waiting, delayed, active, failed, or
   * among the last `keepCompleted` completed), enqueuing it again does nothing and returns the
   * same id. Without one, a random UUID is generated before anything is sent, so a call that
   * fails with `EnqueueUncertainError` names the ids to retry with. Give your own (derived from
   * the work, e.g. `invoice-42`) to make a retry after a crash of the caller safe too.
   * 1 to 256 characters, no `:`, not an integer such as `42` or `-1` (BullMQ's rules for custom
   * job ids).
   * @default a random UUID
   */
  id?: string
}

/** One entry of `enqueueMany`. */
export interface TaskSpec<Data = unknown> {
  name: string
  data: Data
  options?: EnqueueOptions
}

/** Exponential (or fixed) backoff between attempts, capped, with jitter. */
export interface BackoffOptions {
  /**
   * `exponential`: `delay × 2^(attempt − 1)`; `fixed`: `delay` every time. Both are capped at
   * `maxDelay`, then jittered.
   * @default 'exponential'
   */
  type?: 'exponential' | 'fixed'
  /**
   * The base delay.
   * @default '1s'
   */
  delay?: Duration
  /**
   * The cap of one delay, before jitter.
   * @default '5m'
   */
  maxDelay?: Duration
  /**
   * Fraction of the capped delay that is random: each delay is drawn uniformly from
   * `[capped × (1 − jitter), capped]`. `1` is "full jitter" (uniform in `[0, capped]`), which
   * spreads the retries of tasks that failed together; `0` turns jitter off.
   * @default 1
   */
  jitter?: number
}

/** Retries of failed tasks. */
export interface RetryOptions {
  /**
   * Attempts in total, the first run included (`1` means never retry).
   * @default 3
   */
  attempts?: number
  backoff?: BackoffOptions
}

/**
 * Measures how loaded this process is, for the autoscaler. `createLoadProbe()` returns one built on
 * `process.cpuUsage()` and `perf_hooks.monitorEventLoopDelay()`; `@bi-perf/core` can wire a
 * monitor's probe instead.
 */
export interface LoadProbe {
  /** Current load: `cpu` as a fraction of one core (0–1+), `eventLoopDelayMs` as p99 or mean. */
  sample(): { cpu?: number; eventLoopDelayMs?: number }
  /** Ends the probe's own timers or histograms; called by the queue's `close()`. */
  stop?(): void
}

/** How the autoscaler moves worker concurrency between `concurrency.min` and `concurrency.max`. */
export interface AutoscaleOptions {
  /**
   * How often it looks at the queue.
   * @default '1s'
   */
  interval?: Duration
  /**
   * Least time between two changes; scaling down waits twice as long, so a brief lull does not
   * undo a scale-up.
   * @default '5s'
   */
  cooldown?: Duration
  /**
   * Scale up when more than this many tasks wait per unit of concurrency.
   * @default 2
   */
  backlogPerSlot?: number
  /**
   * Scale up when the oldest waiting task has waited longer than this.
   * @default '2s'
   */
  maxWait?: Duration
  /**
   * A load probe; when its CPU or event-loop delay is above the limits below, the autoscaler
   * never scales up and steps down instead, since more concurrency would only queue on the CPU.
   * @default undefined (queue depth and wait only)
   */
  probe?: LoadProbe
  /**
   * CPU (fraction of one core) at or above which the process counts as overloaded.
   * @default 0.9
   */
  maxCpu?: number
  /**
   * Event-loop delay at or above which the process counts as overloaded.
   * @default '100ms'
   */
  maxEventLoopDelay?: Duration
}

/** Options of {@link createTaskQueue}. Only `name` is required. */
export interface TaskQueueOptions {
  /**
   * Queue name: 1 to 100 characters of letters, digits, `-`, `_` and `.`. Producers and workers
   * of one queue use the same name.
   */
  name: string
  /**
   * Redis for a durable BullMQ queue: a URL (`redis://`, `rediss://`), an ioredis `Redis` or a
   * `Cluster`. Without it the queue is in-process: same API and semantics, but single-process and
   * not durable (tasks die with the process). A client you pass stays yours: `close()` does not
   * quit it. It must not use ioredis `keyPrefix` (use `prefix`).
   * @default undefined (in-process queue)
   */
  redis?: string | Redis | Cluster
  /**
   * Prefix of BullMQ's keys. On a Redis Cluster it must contain a `{hash-tag}`, e.g.
   * `'{bi-perf}'`, so one queue's keys share a slot.
   * @default 'bi-perf'
   */
  prefix?: string
  /**
   * Run tasks in this process. `false` makes a producer only (an API process): it enqueues and
   * reads status, and handlers run in worker processes.
   * @default true
   */
  worker?: boolean
  /**
   * Task names a producer (`worker: false`) may enqueue; unknown names then fail at enqueue time.
   * Workers check against their defined handlers instead.
   * @default undefined (a producer accepts any name)
   */
  taskNames?: readonly string[]
  /**
   * Worker concurrency: a number for a fixed value, or a range the autoscaler moves within
   * (starting at `min`).
   * @default { min: 1, max: 10 }
   */
  concurrency?: number | { min: number; max: number }
  /** The autoscaler, active when `concurrency.min < concurrency.max`. */
  autoscale?: AutoscaleOptions
  /** Retries. */
  retry?: RetryOptions
  /**
   * Default timeout of one attempt; `define(name, handler, { timeout })` overrides it. On
   * timeout the handler's `ctx.signal` aborts and the attempt fails with `TaskTimeoutError`.
   * @default '5m'
   */
  timeout?: Duration
  /**
   * At most `max` tasks start per `per`, across all workers of the queue (BullMQ's limiter).
   * @default undefined (no limit)
   */
  rateLimit?: { max: number; per: Duration }
  /**
   * How many completed tasks are kept (for deduplication by id and inspection).
   * @default 1000
   */
  keepCompleted?: number
  /**
   * How long a BullMQ worker's lock on a task lasts; a task whose worker died is recovered once
   * its lock expires and a stalled check runs (every `stalledInterval`).
   * @default '30s'
   */
  lockDuration?: Duration
  /**
   * How often a BullMQ worker looks for tasks whose worker died.
   * @default '30s'
   */
  stalledInterval?: Duration
  /**
   * Longest a producer call (`enqueue`, `enqueueMany`, `status`, `failed`, `retryFailed`) waits
   * for Redis, waiting for the first connection included. Past it the call fails with
   * `TasksUnavailableError` (nothing was sent) or `EnqueueUncertainError` (sent, no answer). A
   * disconnected Redis or an open breaker fails a call at once. Raise it for very large
   * `enqueueMany` batches on a busy Redis. Ignored in process.
   * @default '500ms'
   */
  commandTimeout?: Duration
  /** The circuit breaker in front of the producer's Redis connection. Ignored in process. */
  breaker?: {
    /**
     * Consecutive failed calls (timeouts, lost connections) that open the breaker; while open,
     * calls fail at once with `TasksUnavailableError`.
     * @default 3
     */
    threshold?: number
    /**
     * How long the breaker stays open before one call goes through as a probe (half-open);
     * its success closes the breaker, its failure opens it again.
     * @default '1s'
     */
    halfOpenAfter?: Duration
  }
}

/** State of the circuit breaker in front of Redis. */
export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * Whether producer calls can reach the queue's store now, as `tasks.availability()` and
 * `status().availability` report it. Read without any I/O.
 */
export interface TaskQueueAvailability {
  /**
   * `false` while Redis is known to be away: the connection was lost and is not back, a call
   * timed out since the last success, or the breaker is open. Always `true` in process.
   */
  available: boolean
  /** ioredis status of the producer connection (`ready`, `reconnecting`…); `in-process` in process. */
  connection: string
  /** The breaker in front of Redis; always `closed` in process. */
  breaker: BreakerState
  /** Unix ms since when Redis is away; `null` while available. */
  downSince: number | null
  /** Why it is away (the last failure), `null` while available. */
  reason: string | null
}

/** Settings `tasks.configure()` changes while the queue runs. */
export interface TaskQueueReconfiguration {
  /**
   * A number fixes concurrency (`min = max = n`, the autoscaler stops); a range starts or keeps
   * the autoscaler, which then moves within it. The current concurrency is clamped into the new
   * range at once. Same rules as {@link TaskQueueOptions.concurrency}.
   * @default the current value
   */
  concurrency?: number | { min: number; max: number }
}

/** The settings in force, as `tasks.settings()` and `tasks.configure()` report them. */
export interface TaskQueueSettings {
  /** The configured range (`min = max` when fixed); stored even on a producer (`worker: false`). */
  concurrency: { min: number; max: number }
  /** The concurrency this worker runs at now; `0` for a producer. */
  current: number
  /** Whether the autoscaler runs: a worker with `concurrency.min < concurrency.max`. */
  autoscale: boolean
}

/** Options of `close()`. */
export interface CloseOptions {
  /**
   * How long to wait for in-flight tasks. Past it their signals abort with `ShutdownError` and
   * the queue closes anyway; on BullMQ their jobs stay `active` until another worker's stalled
   * check moves them back to waiting (after `lockDuration`), so they run again rather than vanish.
   * @default '30s'
   */
  timeout?: Duration
}

/** What `close()` did. */
export interface CloseResult {
  /** Every in-flight task finished before the deadline. */
  drained: boolean
  /** Tasks still running at the deadline (aborted here, recovered by another worker on BullMQ). */
  interrupted: number
}

/** Counts of tasks per state. */
export interface TaskCounts {
  /** Ready to run: BullMQ's `wait` plus `prioritized` (BullMQ keeps prioritized jobs apart). */
  waiting: number
  /** Waiting for their `delay` or their retry backoff. */
  delayed: number
  /** Running now (in every worker, on BullMQ). */
  active: number
  /** Completed and still kept (at most `keepCompleted`). */
  completed: number
  /** Failed after their last attempt, kept until `retryFailed()`. */
  failed: number
  /** Not yet done: `waiting + delayed`. */
  backlog: number
}

/** One change (or deliberate non-change) the autoscaler made. */
export interface ScaleDecision {
  /** Unix ms. */
  at: number
  from: number
  to: number
  /**
   * Why: `backlog` (too many waiting per slot), `wait` (oldest waiting task too old), `cpu` and
   * `event-loop` (overloaded, stepping down), `idle` (nothing waiting, slots unused).
   */
  reason: 'backlog' | 'wait' | 'cpu' | 'event-loop' | 'idle'
  /** Inputs of the decision. */
  backlog: number
  oldestWaitMs: number
  active: number
  cpu?: number
  eventLoopDelayMs?: number
}

/** A task that failed after its last attempt. */
export interface FailedTask {
  id: string
  name: string
  data: unknown
  /** The last error message. */
  error: string
  /** Every attempt's error message, oldest first. */
  reasons: string[]
  /** Attempts made. */
  attempts: number
  /** Unix ms of the final failure. */
  failedAt: number
}

/** What `status()` returns: a plain, serializable object. */
export interface TaskQueueStatus {
  name: string
  /** `bullmq` when `redis` was given, else `memory`. */
  backend: 'bullmq' | 'memory'
  /** Whether this process runs tasks. */
  worker: boolean
  closed: boolean
  counts: TaskCounts
  /**
   * Tasks completed per minute: on BullMQ, the last full minute of BullMQ's metrics (every
   * worker of the queue); in process, completions in the last 60 s.
   */
  throughputPerMinute: number
  /** Mean time from ready (enqueue, or end of delay) to start, in ms, over this process's last 1,000 finished attempts. */
  averageWaitMs: number
  /** Mean run time of this process's last 1,000 finished attempts, in ms. */
  averageProcessingMs: number
  /** Share of this process's last 1,000 finished attempts that failed (0–1). */
  failureRate: number
  /** Attempts finished by this process since creation. */
  processed: { completed: number; failed: number; retried: number }
  /** Whether Redis is reachable now, the producer connection and the breaker's state. */
  availability: TaskQueueAvailability
  /** This worker's concurrency; `0` for a producer. */
  concurrency: number
  autoscaler: {
    enabled: boolean
    min: number
    max: number
    /** The last 20 changes, newest last. */
    decisions: ScaleDecision[]
  }
}

/** Events of a task queue, with their listener arguments. */
export interface TaskQueueEvents {
  /** A task finished. `waitMs` / `runMs` as in `status()`. */
  completed: [event: { id: string; name: string; attempt: number; waitMs: number; runMs: number }]
  /** An attempt failed; `final` when no attempt is left (the task moved to the failed set). */
  failed: [event: { id: string; name: string; attempt: number; error: Error; final: boolean }]
  /** The autoscaler changed concurrency. */
  scaled: [decision: ScaleDecision]
  /** A background error (Redis connection, status read of the autoscaler). */
  error: [error: Error]
}
