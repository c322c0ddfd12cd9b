import type { Attempt } from './backend.js'
import type { Watched } from './deadline-timer.js'
import type { TaskContext } from './types.js'

/**
 * One running attempt: the handler's `ctx`, its deadline, and the way to stop it early.
 *
 * What a no-op task does not use costs it nothing. The `AbortController` is created when the
 * handler first reads `ctx.signal` (most handlers that never read it never pay for it); the
 * backend's own signal is linked to it only then. When the attempt is stopped (timeout,
 * shutdown) before anyone read the signal, the signal is born aborted with that reason.
 */
export class TaskRun implements TaskContext, Watched {
  readonly id: string
  readonly name: string
  readonly attempt: number
  readonly attempts: number
  /** The timeout this attempt runs under (ms) and when it ends (epoch ms); set when it is watched. */
  timeout = 0
  deadline = 0
  /** Why the attempt was stopped early; set once. */
  #stopped: Error | undefined
  #controller: AbortController | undefined
  #reject: ((error: Error) => void) | undefined
  readonly #source: Attempt
  readonly #owner: RunOwner

  constructor(source: Attempt, owner: RunOwner) {
    this.#source = source
    this.#owner = owner
    this.id = source.id
    this.name = source.name
    this.attempt = source.attempt
    this.attempts = source.attempts
  }

  /** The attempt as the backend handed it over. */
  get source(): Attempt {
    return this.#source
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController()
      this.#controller = controller
      if (this.#stopped !== undefined) controller.abort(this.#stopped)
      else {
        const outer = this.#source.signal
        if (outer?.aborted) controller.abort(outer.reason)
        // The listener dies with the backend's signal, which lives exactly as long as the job.
        else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true })
      }
    }
    return this.#controller.signal
  }

  /** A getter, so `const { progress } = ctx` works as it did with a plain object. */
  get progress(): (value: number | Record<string, unknown>) => Promise<void> {
    return (value) => this.#source.progress(value)
  }

  /**
   * Settles with the handler's result, or rejects as soon as the attempt is stopped, whether or
   * not the handler listens to its signal; tells the owner it finished either way (once).
   */
  race(result: PromiseLike<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = () => {
        if (settled) return false
        settled = true
        this.#owner.finished(this)
        return true
      }
      this.#reject = (error) => {
        if (finish()) reject(error)
      }
      result.then(
        (value) => {
          if (finish()) resolve(value)
        },
        // Passed on as the handler threw it; the backend turns a non-Error into an Error.
        (error: Error) => {
          if (finish()) reject(error)
        },
      )
    })
  }

  /**
   * Stops the attempt: aborts its signal (if read) with `reason` and rejects {@link race} with
   * `error` (at shutdown, the backend's requeue error, while the handler sees `ShutdownError`).
   */
  stop(error: Error, reason: Error = error) {
    if (this.#stopped !== undefined) return
    this.#stopped = reason
    this.#controller?.abort(reason)
    this.#reject?.(error)
  }

  expire() {
    this.stop(this.#owner.expired(this))
  }
}

/** What a {@link TaskRun} reports to. */
export interface RunOwner {
  /** The deadline passed: returns the error the attempt fails with. */
  expired(run: TaskRun): Error
  /** The attempt settled (result, error, timeout or shutdown). */
  finished(run: TaskRun): void
}
