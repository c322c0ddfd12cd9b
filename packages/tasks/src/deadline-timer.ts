/** Something with a deadline that {@link DeadlineTimer} watches. */
export interface Watched {
  /** Epoch ms at which it expires. */
  deadline: number
  /** Called once when the deadline passes while it is still watched. */
  expire(): void
}

/**
 * One timer for the deadlines of every running task, instead of a `setTimeout` and a
 * `clearTimeout` per task (a timer-list insert and removal each, which showed in profiles of
 * no-op tasks).
 *
 * Entries are grouped by timeout: within a group deadlines arrive in increasing order, so each
 * group is a queue whose head expires first, and watching or unwatching one is a `Set` insert or
 * delete. The timer is armed for the earliest head; when it fires, expired heads are expired and
 * it is armed again. Unwatched entries may leave the timer armed for a deadline nobody holds; it
 * then fires once for nothing. The timer is unref'd and `close()` stops it.
 *
 * @example
 * const timer = new DeadlineTimer()
 * const entry = { deadline: Date.now() + 100, expire: () => console.log('too late') }
 * timer.watch(entry, 100)
 * timer.unwatch(entry) // finished in time
 */
export class DeadlineTimer {
  readonly #groups = new Map<number, Set<Watched>>()
  #timer: NodeJS.Timeout | undefined
  #armedFor = Number.POSITIVE_INFINITY
  #closed = false

  /** Watches `entry`, whose `deadline` must be `Date.now() + timeout` for this `timeout`. */
  watch(entry: Watched, timeout: number) {
    let group = this.#groups.get(timeout)
    if (group === undefined) {
      group = new Set()
      this.#groups.set(timeout, group)
    }
    group.add(entry)
    if (entry.deadline < this.#armedFor) this.#arm(entry.deadline)
  }

  /** Stops watching `entry` (it finished); its `expire` will not be called. */
  unwatch(entry: Watched, timeout: number) {
    this.#groups.get(timeout)?.delete(entry)
  }

  /** Stops the timer; nothing expires any more. */
  close() {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#groups.clear()
  }

  #arm(deadline: number) {
    if (this.#closed) return
    clearTimeout(this.#timer)
    this.#armedFor = deadline
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, deadline - Date.now()))
    this.#timer.unref()
  }

  #fire() {
    this.#timer = undefined
    this.#armedFor = Number.POSITIVE_INFINITY
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    const expired: Watched[] = []
    for (const [timeout, group] of this.#groups) {
      for (const entry of group) {
        if (entry.deadline > now) {
          next = Math.min(next, entry.deadline)
          break
        }
        group.delete(entry)
        expired.push(entry)
      }
      if (group.size === 0) this.#groups.delete(timeout)
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next)
    for (const entry of expired) entry.expire()
  }
}
