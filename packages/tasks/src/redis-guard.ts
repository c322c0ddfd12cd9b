import type { Cluster, Redis } from 'ioredis'
import { CircuitBreaker } from '@bi-perf/internal'
import { EnqueueUncertainError, TasksUnavailableError } from './errors.js'
import type { TaskQueueAvailability } from './types.js'

type Client = Redis | Cluster

/** Settings of a {@link RedisGuard}, in milliseconds. */
export interface GuardSettings {
  commandTimeout: number
  threshold: number
  halfOpenAfter: number
}

/** `read`s fail as unavailable; `write`s that were sent and got no answer fail as uncertain. */
export type CallKind = 'read' | 'write'

/** ioredis refused the command without writing it (the connection is not ready). */
const NOT_SENT = /Stream isn't writeable|Cluster isn't ready|enableOfflineQueue options is false/

/**
 * The command may have been written and its answer is lost: ioredis' command timeout, the
 * in-flight commands failed when the connection closed, or the cluster lost its nodes.
 */
const ANSWER_LOST =
  /Command timed out|Connection is closed|max retries per request|ECONNRESET|EPIPE|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available/i

/**
 * Replies by which Redis refuses a command without running it, because it cannot serve now
 * (loading its data after a restart, a script hogging it, out of memory, read-only, failing
 * snapshots, no cluster owner). A Lua script meets OOM, READONLY and MISCONF on its first write,
 * so nothing of it was written either.
 */
const REFUSED = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM|READONLY|MISCONF|NOREPLICAS)\b/

/** The call's deadline passed while it waited for Redis. */
class DeadlineError extends Error {
  override name = 'DeadlineError'
}

/**
 * Every producer-side call to Redis goes through here: one deadline for the whole call (waiting
 * for the first connection included), a circuit breaker, and a classification of failures into
 * `TasksUnavailableError` (nothing was sent) and `EnqueueUncertainError` (a write was sent and
 * its answer is lost). It relies on the connection refusing commands while disconnected and
 * never resending them (no offline queue, `maxRetriesPerRequest: 0`, no automatic resend), so
 * a call reported as not sent can never reach Redis later.
 */
export class RedisGuard {
  readonly #breaker: CircuitBreaker
  #downSince: number | undefined
  #reason: string | undefined
  /** Settles on the connection's first `ready` or first `close`, whichever comes first. */
  readonly #firstAttempt: Promise<void>

  constructor(
    private readonly client: Client,
    private readonly settings: GuardSettings,
  ) {
    this.#breaker = new CircuitBreaker(settings.threshold, settings.halfOpenAfter)
    this.#firstAttempt = new Promise((resolve) => {
      client.once('ready', () => resolve())
      client.once('close', () => resolve())
    })
    // The reason stays free of addresses: health endpoints show it to anyone.
    client.on('close', () => this.#markDown('the connection to Redis is lost'))
    client.on('ready', () => {
      // An open breaker (Redis stopped answering on a live connection) closes on its probe only.
      if (this.#breaker.state !== 'open') this.#markUp()
    })
  }

  /** Whether producer calls can reach Redis now; no I/O. */
  availability(): TaskQueueAvailability {
    const breaker = this.#breaker.state
    const available = this.#downSince === undefined && breaker !== 'open'
    return {
      available,
      connection: this.client.status,
      breaker,
      downSince: available ? null : (this.#downSince ?? Date.now()),
      reason: available
        ? null
        : (this.#reason ?? 'the circuit breaker is open after repeated Redis failures'),
    }
  }

  /**
   * Runs one producer call. `prepare` is the client library's own start-up (BullMQ reads the
   * server version once connected), `undefined` once done; it sends nothing of the call. `work`
   * sends it.
   *
   * @param operation names the call in errors: `enqueue`, `status`…
   * @param taskIds the ids a write adds, for the errors
   * @param deadline epoch ms the call must settle by
   */
  run<T>(
    kind: CallKind,
    operation: string,
    taskIds: readonly string[],
    prepare: () => Promise<unknown> | undefined,
    work: () => Promise<T>,
    deadline = Date.now() + this.settings.commandTimeout,
  ): Promise<T> {
    // The common case, connected and started, without an `await` of its own: an enqueue's
    // command is written in the caller's tick, and the call costs one promise and one timer.
    if (this.#ready()) {
      const starting = prepare()
      if (starting === undefined) return this.#attempt(kind, operation, taskIds, work, deadline)
      return this.#start(starting, operation, taskIds, deadline).then(() =>
        this.#attempt(kind, operation, taskIds, work, deadline),
      )
    }
    return this.#connect(operation, taskIds, deadline).then(() =>
      this.run(kind, operation, taskIds, prepare, work, deadline),
    )
  }

  #unavailable(operation: string, taskIds: readonly string[], reason: string, cause?: unknown) {
    return new TasksUnavailableError(
      operation,
      taskIds,
      reason,
      this.#retryAfterMs(),
      cause === undefined ? undefined : { cause },
    )
  }

  /** Waits for the very first connection, by `deadline`; a known outage fails at once. */
  async #connect(operation: string, taskIds: readonly string[], deadline: number) {
    if (this.#downSince !== undefined) {
      throw this.#unavailable(
        operation,
        taskIds,
        `Redis is unreachable (connection ${this.client.status})`,
      )
    }
    await within(this.#firstAttempt, deadline).catch(() => undefined)
    if (!this.#ready()) {
      throw this.#unavailable(
        operation,
        taskIds,
        `Redis did not become ready within ${this.settings.commandTimeout} ms (connection ${this.client.status})`,
      )
    }
  }

  /** Waits for the client library's start-up, by `deadline`. */
  async #start(
    starting: Promise<unknown>,
    operation: string,
    taskIds: readonly string[],
    deadline: number,
  ) {
    try {
      await within(starting, deadline)
    } catch (error) {
      if (!(error instanceof DeadlineError)) {
        throw this.#unavailable(
          operation,
          taskIds,
          'the queue could not start on its Redis connection',
          error,
        )
      }
      const reason = `Redis did not answer within ${this.settings.commandTimeout} ms`
      this.#breaker.failure()
      this.#markDown(reason)
      throw this.#unavailable(operation, taskIds, reason)
    }
  }

  /** Sends the call unless the breaker is open, and classifies its failure. */
  #attempt<T>(
    kind: CallKind,
    operation: string,
    taskIds: readonly string[],
    work: () => Promise<T>,
    deadline: number,
  ): Promise<T> {
    if (!this.#breaker.allow()) {
      return Promise.reject(
        this.#unavailable(
          operation,
          taskIds,
          'the circuit breaker is open after repeated Redis failures',
        ),
      )
    }
    let sent: Promise<T>
    try {
      sent = work()
    } catch (error) {
      return Promise.reject(this.#failed(kind, operation, taskIds, error))
    }
    return within(sent, deadline).then(
      (result) => {
        this.#breaker.success()
        this.#markUp()
        return result
      },
      (error: unknown) => {
        throw this.#failed(kind, operation, taskIds, error)
      },
    )
  }

  #failed(kind: CallKind, operation: string, taskIds: readonly string[], error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error)
    const isReply = error instanceof Error && error.name === 'ReplyError'
    if (isReply && !REFUSED.test(message)) {
      // Redis answered: it is up, and the error is the command's own (a script's refusal).
      this.#breaker.success()
      if (kind === 'write' && taskIds.length > 1) {
        // One script of a pipeline of several (an `enqueueMany`) failed after the whole
        // pipeline was sent. BullMQ reports only the first failure, and Redis does not undo
        // what a failed script wrote, so which tasks were stored is unknown. Sending them again
        // blindly would be wrong: a task whose script failed half-way may have left its job
        // behind; retrying with the same ids adds only the missing ones.
        const reason = `Redis refused a task of the batch (${message.split(' ', 1)[0]})`
        return new EnqueueUncertainError(operation, taskIds, reason, 0, { cause: error })
      }
      return error
    }
    const timedOut = error instanceof DeadlineError
    if (!timedOut && !isReply && !ANSWER_LOST.test(message) && !NOT_SENT.test(message)) {
      // Not about Redis at all (BullMQ refusing an argument): says nothing either way.
      this.#breaker.inconclusive()
      return error instanceof Error ? error : new Error(message)
    }
    // Reasons name what happened, not ioredis' wording or an address: health endpoints show them.
    const reason =
      timedOut || /Command timed out/.test(message)
        ? `Redis did not answer within ${this.settings.commandTimeout} ms`
        : isReply
          ? `Redis refused it (${message.split(' ', 1)[0]})`
          : NOT_SENT.test(message)
            ? 'the connection to Redis is lost'
            : 'the connection to Redis dropped before the answer'
    // A Cluster client may have written a command to one node, lost that connection and then
    // refused to retry it elsewhere with this same message: "not sent" is only sure on one node.
    const isCluster = (this.client as { isCluster?: boolean }).isCluster === true
    if (NOT_SENT.test(message) && !(isCluster && kind === 'write')) {
      // The connection dropped between the readiness check and the write; its close event
      // reports the outage, and the breaker learns nothing from a command never sent.
      this.#breaker.inconclusive()
      this.#markDown(reason)
      return new TasksUnavailableError(operation, taskIds, reason, this.#retryAfterMs(), {
        cause: error,
      })
    }
    this.#breaker.failure()
    this.#markDown(reason)
    const retryAfterMs = this.#retryAfterMs()
    // A refusal stops one script before its first write; in a pipeline of several (a batch,
    // retryFailed's loop) the ones before it may have run.
    if (kind === 'read' || (isReply && taskIds.length === 1)) {
      return new TasksUnavailableError(operation, taskIds, reason, retryAfterMs, { cause: error })
    }
    return new EnqueueUncertainError(operation, taskIds, reason, retryAfterMs, { cause: error })
  }

  #ready(): boolean {
    return this.client.status === 'ready'
  }

  /** While open, until the next probe; otherwise about one reconnect or probe interval. */
  #retryAfterMs(): number {
    if (this.#breaker.state === 'open') return Math.max(1, this.#breaker.retryAfterMs())
    return this.settings.halfOpenAfter
  }

  #markDown(reason: string) {
    this.#downSince ??= Date.now()
    this.#reason = reason
  }

  #markUp() {
    this.#downSince = undefined
    this.#reason = undefined
  }
}

/** `work`, or a {@link DeadlineError} at `deadline` (epoch ms); the timer is unref'd. */
function within<T>(work: Promise<T>, deadline: number): Promise<T> {
  // One promise and one timer, no `Promise.race` (which adds a promise and two reactions per
  // call). Past the deadline the work goes on unobserved; its late failure is swallowed here.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, deadline - Date.now()))
    timer.unref()
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: Error) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
