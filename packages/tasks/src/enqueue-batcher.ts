import { EnqueueUncertainError, TasksUnavailableError } from './errors.js'
import type { PreparedTask } from './validate.js'

/** Sends tasks to the store in one call, settling by `deadline` (epoch ms); resolves with their ids in order. */
export type SendTasks = (tasks: PreparedTask[], deadline: number) => Promise<string[]>

interface Call {
  tasks: PreparedTask[]
  /** When this caller's `commandTimeout` ends, counted from its own call. */
  deadline: number
  resolve: (ids: string[]) => void
  reject: (error: unknown) => void
}

/**
 * Coalesces the enqueue calls of one tick into one store call (one BullMQ `addBulk`: one round
 * trip, one pipeline) while every caller keeps its own outcome.
 *
 * - A call alone in its tick is sent as it is: a lone caller pays one `process.nextTick`.
 * - The batch is flushed on `process.nextTick`, which Node runs once the microtask queue is
 *   empty: every `await`-chain resumed by the previous batch's reply has queued its next
 *   enqueue by then, so concurrent producers ride together.
 * - An outage error (`TasksUnavailableError`, `EnqueueUncertainError`) concerns the whole batch,
 *   and each caller gets its own copy naming only its own task ids.
 * - BullMQ refusing one job's options fails its `addBulk` before anything is sent; each call is
 *   then sent again on its own, so the refusal reaches only the call it came in.
 * - A script's error reply (the pipeline was sent; BullMQ 6.7's `addBulk` is one `addJob` script
 *   per job and reports only the first failure) leaves unknown which tasks were stored: every
 *   call of the batch fails with `EnqueueUncertainError` naming its own ids.
 */
export class EnqueueBatcher {
  #calls: Call[] = []
  readonly #send: SendTasks
  readonly #timeout: number

  /** @param timeout each call's deadline (ms from the call), as `commandTimeout` */
  constructor(send: SendTasks, timeout: number) {
    this.#send = send
    this.#timeout = timeout
  }

  /** Queues the tasks of one call for this tick's batch; resolves with their ids. */
  add(tasks: PreparedTask[]): Promise<string[]> {
    const deadline = Date.now() + this.#timeout
    return new Promise<string[]>((resolve, reject) => {
      if (this.#calls.length === 0) process.nextTick(() => this.#flush())
      this.#calls.push({ tasks, deadline, resolve, reject })
    })
  }

  #flush() {
    const calls = this.#calls
    this.#calls = []
    if (calls.length === 1) {
      const [call] = calls as [Call]
      this.#send(call.tasks, call.deadline).then(call.resolve, call.reject)
      return
    }
    const tasks: PreparedTask[] = []
    // Calls arrive in order, so the first holds the earliest deadline.
    for (const call of calls) for (const task of call.tasks) tasks.push(task)
    this.#send(tasks, calls[0]!.deadline).then(
      (ids) => {
        let offset = 0
        for (const call of calls) {
          call.resolve(ids.slice(offset, offset + call.tasks.length))
          offset += call.tasks.length
        }
      },
      (error: unknown) => {
        if (error instanceof TasksUnavailableError || error instanceof EnqueueUncertainError) {
          for (const call of calls) call.reject(forCall(error, call.tasks))
          return
        }
        if (error instanceof Error && error.name === 'ReplyError') {
          // A script of the batch failed in Redis, after the whole pipeline was sent. BullMQ
          // reports only the first failure, and Redis does not undo what a failed script
          // wrote, so which tasks were stored is unknown: every caller is told so, with its
          // own ids. Sending the calls again would be wrong: a task whose script failed
          // half-way leaves its job behind, and BullMQ would take it for a duplicate.
          const reason = `Redis refused a task of the batch (${error.message.split(' ', 1)[0]})`
          for (const call of calls) {
            const ids = call.tasks.map((task) => task.id)
            call.reject(new EnqueueUncertainError('enqueue', ids, reason, 0, { cause: error }))
          }
          return
        }
        // Refused before anything was sent (BullMQ checks each job's options first): send each
        // call on its own, so the refusal reaches only the call it belongs to.
        for (const call of calls) {
          this.#send(call.tasks, call.deadline).then(call.resolve, call.reject)
        }
      },
    )
  }
}

/** The batch's outage error as one caller sees it: the same class and reason, its own ids. */
function forCall(
  error: TasksUnavailableError | EnqueueUncertainError,
  tasks: PreparedTask[],
): Error {
  const Class =
    error instanceof TasksUnavailableError ? TasksUnavailableError : EnqueueUncertainError
  const copy = new Class(
    error.operation,
    tasks.map((task) => task.id),
    error.reason,
    error.retryAfterMs,
    error.cause === undefined ? undefined : { cause: error.cause },
  )
  return copy
}
