import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/tasks throws. Match on `code`, which is stable across
 * versions (or with `hasErrorCode`, which also matches a renamed error's old code); messages may
 * improve.
 */
export class TaskError extends BiPerfError {
  override name = 'TaskError'
}

/**
 * An option passed to `createTaskQueue` or `configure()` breaks a rule (bad concurrency range,
 * Redis keyPrefix, unknown name…).
 */
export class InvalidOptionError extends TaskError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `concurrency.max` or `retry.backoff.jitter`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_TASKS_INVALID_OPTION',
      `Invalid option ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }

  /** @deprecated Use `field` (the same path; every package's errors now name it `field`). */
  get option(): string {
    return this.field
  }
}

/** A timeout, delay, interval or cooldown is negative, NaN, infinite or an unparsable string. */
export class InvalidDurationError extends TaskError {
  override name = 'InvalidDurationError'
  /** Which argument or option held the value, e.g. `timeout` or `rateLimit.per`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    super('E_TASKS_INVALID_DURATION', `Invalid ${field} ${describeValue(value)}: ${rule}`)
    this.field = field
  }
}

/** An argument of `define` or `enqueue` breaks a rule (empty name, bad priority, bad id…). */
export class InvalidArgumentError extends TaskError {
  override name = 'InvalidArgumentError'
  /** The argument, e.g. `name`, `options.priority` or `tasks[3].options.id`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    super('E_TASKS_INVALID_ARGUMENT', `Invalid ${field} ${describeValue(value)}: ${rule}`)
    this.field = field
  }

  /** @deprecated Use `field` (the same path; every package's errors now name it `field`). */
  get argument(): string {
    return this.field
  }
}

/** A task name has no handler (`enqueue` on a worker queue, or a worker receiving it). */
export class UnknownTaskError extends TaskError {
  override name = 'UnknownTaskError'
  /** The task name. */
  readonly task: string

  constructor(task: string, known: readonly string[]) {
    super(
      'E_TASKS_UNKNOWN_TASK',
      `Unknown task "${task}": known tasks are ${known.length > 0 ? known.map((name) => `"${name}"`).join(', ') : '(none defined)'}`,
    )
    this.task = task
  }
}

/** Task data cannot travel as JSON: it holds a function, symbol, bigint, class instance or cycle. */
export class UnserializableDataError extends TaskError {
  override name = 'UnserializableDataError'
  /** The task name. */
  readonly task: string

  constructor(task: string, rule: string) {
    super('E_TASKS_UNSERIALIZABLE', `Cannot enqueue "${task}": ${rule}`)
    this.task = task
  }
}

/** A handler is defined twice, or on a queue created with `worker: false`. */
export class HandlerDefinitionError extends TaskError {
  override name = 'HandlerDefinitionError'
  /** The task name. */
  readonly task: string

  constructor(task: string, rule: string) {
    super('E_TASKS_BAD_DEFINITION', `Cannot define "${task}": ${rule}`)
    this.task = task
  }
}

/** A handler ran past its timeout; its `ctx.signal` was aborted with this error as the reason. */
export class TaskTimeoutError extends TaskError {
  override name = 'TaskTimeoutError'
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number

  constructor(task: string, timeoutMs: number) {
    super('E_TASKS_TIMEOUT', `Task "${task}" timed out after ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/** In-flight tasks were still running when `close({ timeout })` reached its deadline. */
export class ShutdownError extends TaskError {
  override name = 'ShutdownError'

  constructor() {
    super('E_TASKS_SHUTDOWN', 'The task queue is shutting down and its deadline has passed')
  }
}

/** The task queue was used after `close()`. */
export class TaskQueueClosedError extends TaskError {
  override name = 'TaskQueueClosedError'

  constructor() {
    super('E_TASKS_CLOSED', 'The task queue is closed; create a new one with createTaskQueue()')
  }
}

/**
 * A call that Redis did not answer in time: what it was, the tasks it concerned and when a retry
 * may succeed. The two subclasses say whether anything reached Redis.
 */
abstract class QueueCallError extends TaskError {
  /** The call: `enqueue`, `status`, `failed`, `retryFailed`… */
  readonly operation: string
  /** Ids of the tasks the call concerned, in the order given; empty for reads. */
  readonly taskIds: readonly string[]
  /** A hint: when a retry may succeed (the breaker's next probe, or Redis's reconnect). */
  readonly retryAfterMs: number
  /** Why Redis could not be used, without addresses (health endpoints may show it). */
  readonly reason: string

  constructor(
    code: string,
    message: string,
    call: { operation: string; taskIds: readonly string[]; retryAfterMs: number; reason: string },
    options?: ErrorOptions,
  ) {
    super(code, message, options)
    this.operation = call.operation
    this.taskIds = call.taskIds
    this.retryAfterMs = call.retryAfterMs
    this.reason = call.reason
  }
}

/**
 * The queue's Redis cannot be used now (disconnected, not answering, or the circuit breaker is
 * open after recent failures), and the call was refused before anything reached Redis. For an
 * enqueue this is definite: the task is not in the queue and never will be from this call, so
 * retrying (with the same id or a new one) cannot run it twice.
 */
export class TasksUnavailableError extends QueueCallError {
  override name = 'TasksUnavailableError'

  constructor(
    operation: string,
    taskIds: readonly string[],
    reason: string,
    retryAfterMs: number,
    options?: ErrorOptions,
  ) {
    super(
      'E_TASKS_UNAVAILABLE',
      `Cannot ${operation}: ${reason}. ${taskIds.length > 0 ? `Nothing was sent: ${describeIds(taskIds)} will not run from this call. ` : ''}Retry in ${retryAfterMs} ms or later`,
      { operation, taskIds, retryAfterMs, reason },
      options,
    )
  }
}

/**
 * An enqueue was sent to Redis but its answer never came (timed out, or the connection dropped
 * after the write): the tasks may or may not be in the queue. Retry with the same ids
 * (`options.id`): a task already in the queue is not added again, so it runs once either way.
 */
export class EnqueueUncertainError extends QueueCallError {
  override name = 'EnqueueUncertainError'

  constructor(
    operation: string,
    taskIds: readonly string[],
    reason: string,
    retryAfterMs: number,
    options?: ErrorOptions,
  ) {
    super(
      'E_TASKS_ENQUEUE_UNCERTAIN',
      `The ${operation} may or may not have reached Redis (${reason}). ${taskIds.length > 0 ? `Retry with the same ids (${describeIds(taskIds)}): a task already queued is not added twice` : 'Calling it again is safe'}; retry in ${retryAfterMs} ms or later`,
      { operation, taskIds, retryAfterMs, reason },
      options,
    )
  }
}

/** At most three ids, then how many more: a batch of 500 must not make a 20 kB message. */
function describeIds(ids: readonly string[]): string {
  const shown = ids
    .slice(0, 3)
    .map((id) => `"${id}"`)
    .join(', ')
  const more = ids.length > 3 ? ` and ${ids.length - 3} more` : ''
  return `${ids.length === 1 ? 'task' : 'tasks'} ${shown}${more}`
}

/** Every error class of the package, by name, for `instanceof` checks without deep imports. */
export const errors = {
  TaskError,
  InvalidOptionError,
  InvalidDurationError,
  InvalidArgumentError,
  UnknownTaskError,
  UnserializableDataError,
  HandlerDefinitionError,
  TaskTimeoutError,
  ShutdownError,
  TaskQueueClosedError,
  TasksUnavailableError,
  EnqueueUncertainError,
} as const
