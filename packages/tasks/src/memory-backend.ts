import type { Attempt, Backend, WorkerHooks } from './backend.js'
import { backoffDelay } from './backoff.js'
import { asError, isThenable } from './thenable.js'
import type { ResolvedBackoff, ResolvedOptions } from './options.js'
import type { FailedTask, TaskCounts, TaskQueueAvailability } from './types.js'
import { PRIORITY_LEVELS, type PreparedTask } from './validate.js'

interface Entry {
  id: string
  name: string
  json: string
  level: number
  attempts: number
  attemptsMade: number
  backoff: ResolvedBackoff
  readyAt: number
  state: 'waiting' | 'delayed' | 'active' | 'completed' | 'failed'
  reasons: string[]
  failedAt: number
}

/** Tasks started in one go before the pump yields to the event loop. */
const YIELD_EVERY = 1024

/** One attempt of an in-process task, as the runner sees it. */
class MemoryAttempt implements Attempt {
  readonly id: string
  readonly name: string
  readonly data: unknown
  readonly attempt: number
  readonly attempts: number
  readonly readyAt: number
  readonly signal = undefined
  /** The error `requeue()` handed out, so the backend can tell a requeue from a failure. */
  requeued: Error | undefined

  constructor(entry: Entry) {
    this.id = entry.id
    this.name = entry.name
    this.data = JSON.parse(entry.json) as unknown
    this.attempt = entry.attemptsMade
    this.attempts = entry.attempts
    this.readyAt = entry.readyAt
  }

  progress(): Promise<void> {
    return Promise.resolve()
  }

  requeue(): Promise<Error> {
    this.requeued = new Error(`task ${this.id} was given back to the queue`)
    return Promise.resolve(this.requeued)
  }
}

/** The in-process store is always there. */
const IN_PROCESS: TaskQueueAvailability = Object.freeze({
  available: true,
  connection: 'in-process',
  breaker: 'closed',
  downSince: null,
  reason: null,
})

/** A FIFO with O(1) push, shift and unshift-after-shift; compacts its array now and then. */
class Fifo<T> {
  #items: T[] = []
  #head = 0

  get length(): number {
    return this.#items.length - this.#head
  }

  push(item: T) {
    this.#items.push(item)
  }

  peek(): T | undefined {
    return this.#items[this.#head]
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined as T
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }

  unshift(item: T) {
    if (this.#head > 0) this.#items[--this.#head] = item
    else this.#items.unshift(item)
  }
}

/**
 * The in-process backend: four FIFO lists (one per priority), a delay list sorted by due time
 * with one unref'd timer, retries with the same backoff, an optional fixed-window rate limit.
 * Single process, not durable: tasks live and die with the process.
 */
export class MemoryBackend implements Backend {
  readonly kind = 'memory'
  readonly #levels = [new Fifo<Entry>(), new Fifo<Entry>(), new Fifo<Entry>(), new Fifo<Entry>()]
  readonly #delayed: Entry[] = []
  readonly #byId = new Map<string, Entry>()
  readonly #completed = new Fifo<string>()
  readonly #failed = new Map<string, Entry>()
  readonly #perSecond: [second: number, count: number][] = []
  #hooks: WorkerHooks | undefined
  #concurrency = 0
  #running = 0
  #paused = false
  #closed = false
  #delayTimer: NodeJS.Timeout | undefined
  #delayDue = Number.POSITIVE_INFINITY
  #limitTimer: NodeJS.Timeout | undefined
  #windowStart = 0
  #windowCount = 0
  #pumping = false
  #yielding: NodeJS.Immediate | undefined

  private readonly keepCompleted: number
  private readonly rateLimit: { max: number; per: number } | undefined
  readonly #retry: { attempts: number; backoff: ResolvedBackoff }

  constructor(
    options: Pick<ResolvedOptions, 'keepCompleted' | 'rateLimit' | 'attempts' | 'backoff'>,
  ) {
    this.keepCompleted = options.keepCompleted
    this.rateLimit = options.rateLimit
    this.#retry = { attempts: options.attempts, backoff: options.backoff }
  }

  add(tasks: PreparedTask[]): Promise<string[]> {
    const retry = this.#retry
    const now = Date.now()
    const ids = tasks.map((task) => {
      if (this.#byId.has(task.id)) return task.id
      const entry: Entry = {
        id: task.id,
        name: task.name,
        json: task.json,
        level: PRIORITY_LEVELS[task.priority],
        attempts: retry.attempts,
        attemptsMade: 0,
        backoff: retry.backoff,
        readyAt: now + task.delay,
        state: 'waiting',
        reasons: [],
        failedAt: 0,
      }
      this.#byId.set(entry.id, entry)
      if (task.delay > 0) this.#delay(entry)
      else this.#levels[entry.level]!.push(entry)
      return entry.id
    })
    this.#pump()
    return Promise.resolve(ids)
  }

  startWorker(hooks: WorkerHooks, concurrency: number) {
    this.#hooks = hooks
    this.#concurrency = concurrency
    this.#pump()
  }

  setConcurrency(concurrency: number) {
    this.#concurrency = concurrency
    this.#pump()
  }

  figures(): Promise<{ counts: TaskCounts; throughputPerMinute: number }> {
    return Promise.resolve({ counts: this.#counts(), throughputPerMinute: this.#throughput() })
  }

  load(): Promise<{ waiting: number; oldestWaitMs: number }> {
    let oldest = Number.POSITIVE_INFINITY
    for (const level of this.#levels) oldest = Math.min(oldest, level.peek()?.readyAt ?? oldest)
    return Promise.resolve({
      waiting: this.#counts().waiting,
      oldestWaitMs: Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0,
    })
  }

  availability(): TaskQueueAvailability {
    return IN_PROCESS
  }

  #counts(): TaskCounts {
    const waiting = this.#levels.reduce((sum, level) => sum + level.length, 0)
    return {
      waiting,
      delayed: this.#delayed.length,
      active: this.#running,
      completed: this.#completed.length,
      failed: this.#failed.size,
      backlog: waiting + this.#delayed.length,
    }
  }

  #throughput(): number {
    const since = Math.floor(Date.now() / 1000) - 60
    while (this.#perSecond.length > 0 && this.#perSecond[0]![0] <= since) this.#perSecond.shift()
    return this.#perSecond.reduce((sum, [, count]) => sum + count, 0)
  }

  failed(limit: number): Promise<FailedTask[]> {
    return Promise.resolve(
      [...this.#failed.values()].slice(0, limit).map((entry) => ({
        id: entry.id,
        name: entry.name,
        data: JSON.parse(entry.json) as unknown,
        error: entry.reasons.at(-1) ?? '',
        reasons: [...entry.reasons],
        attempts: entry.attemptsMade,
        failedAt: entry.failedAt,
      })),
    )
  }

  retryFailed(): Promise<number> {
    const count = this.#failed.size
    const now = Date.now()
    for (const entry of this.#failed.values()) {
      entry.state = 'waiting'
      entry.attemptsMade = 0
      entry.readyAt = now
      this.#levels[entry.level]!.push(entry)
    }
    this.#failed.clear()
    this.#pump()
    return Promise.resolve(count)
  }

  pause(): Promise<void> {
    this.#paused = true
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.#paused = true
    this.#closed = true
    this.#hooks = undefined
    clearTimeout(this.#delayTimer)
    clearTimeout(this.#limitTimer)
    if (this.#yielding) clearImmediate(this.#yielding)
    return Promise.resolve()
  }

  #pump() {
    const hooks = this.#hooks
    // A handler that settles at once settles inside #start, whose #settle pumps again: that
    // nested call leaves the work to this loop rather than recurse once per task.
    if (!hooks || this.#paused || this.#pumping) return
    this.#pumping = true
    try {
      this.#fill(hooks)
    } finally {
      this.#pumping = false
    }
  }

  #fill(hooks: WorkerHooks) {
    let started = 0
    while (this.#running < this.#concurrency && !this.#paused) {
      if (++started > YIELD_EVERY) {
        // A backlog of synchronous handlers would otherwise hold the event loop until it is
        // empty; let I/O and timers in now and then. Kept ref'd on purpose: it is the rest of
        // the backlog, which the process must not exit in the middle of; close() clears it.
        this.#yielding ??= setImmediate(() => {
          this.#yielding = undefined
          this.#pump()
        })
        return
      }
      if (this.rateLimit && !this.#takeToken()) return
      const entry = this.#next()
      if (!entry) {
        // The token taken for it is given back: nothing started.
        if (this.rateLimit) this.#windowCount--
        return
      }
      this.#start(entry, hooks)
    }
  }

  #next(): Entry | undefined {
    for (const level of this.#levels) {
      const entry = level.shift()
      if (entry) return entry
    }
    return undefined
  }

  #takeToken(): boolean {
    const { max, per } = this.rateLimit!
    const now = Date.now()
    if (now - this.#windowStart >= per) {
      this.#windowStart = now
      this.#windowCount = 0
    }
    if (this.#windowCount < max) {
      this.#windowCount++
      return true
    }
    if (!this.#limitTimer) {
      this.#limitTimer = setTimeout(
        () => {
          this.#limitTimer = undefined
          this.#pump()
        },
        this.#windowStart + per - now,
      )
      this.#limitTimer.unref()
    }
    return false
  }

  #start(entry: Entry, hooks: WorkerHooks) {
    const startedAt = Date.now()
    this.#running++
    entry.state = 'active'
    entry.attemptsMade++
    const attempt = new MemoryAttempt(entry)
    let result: unknown
    try {
      result = hooks.run(attempt)
    } catch (error) {
      this.#settle(entry, startedAt, asError(error), hooks)
      return
    }
    if (!isThenable(result)) {
      this.#settle(entry, startedAt, undefined, hooks)
      return
    }
    result.then(
      () => this.#settle(entry, startedAt, undefined, hooks),
      (error: unknown) => {
        if (attempt.requeued !== undefined && error === attempt.requeued) {
          this.#running--
          entry.attemptsMade--
          entry.state = 'waiting'
          this.#levels[entry.level]!.unshift(entry)
          return
        }
        this.#settle(entry, startedAt, asError(error), hooks)
      },
    )
  }

  #settle(entry: Entry, startedAt: number, error: Error | undefined, hooks: WorkerHooks) {
    const now = Date.now()
    this.#running--
    let final = true
    if (error === undefined) {
      entry.state = 'completed'
      this.#countCompletion(now)
      this.#completed.push(entry.id)
      if (this.#completed.length > this.keepCompleted) this.#byId.delete(this.#completed.shift()!)
      if (this.keepCompleted === 0) this.#byId.delete(entry.id)
    } else {
      entry.reasons.push(error.message)
      if (entry.attemptsMade < entry.attempts) {
        final = false
        entry.readyAt = now + backoffDelay(entry.attemptsMade, entry.backoff)
        this.#delay(entry)
      } else {
        entry.state = 'failed'
        entry.failedAt = now
        this.#failed.set(entry.id, entry)
      }
    }
    hooks.settled({
      id: entry.id,
      name: entry.name,
      attempt: entry.attemptsMade,
      waitMs: Math.max(0, startedAt - entry.readyAt),
      runMs: now - startedAt,
      error,
      final,
    })
    this.#pump()
  }

  #countCompletion(now: number) {
    const second = Math.floor(now / 1000)
    const last = this.#perSecond.at(-1)
    if (last?.[0] === second) last[1]++
    else {
      this.#perSecond.push([second, 1])
      if (this.#perSecond.length > 120) this.#perSecond.shift()
    }
  }

  #delay(entry: Entry) {
    entry.state = 'delayed'
    // Binary insertion keeps the list sorted by due time; equal times keep enqueue order.
    let low = 0
    let high = this.#delayed.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.#delayed[mid]!.readyAt <= entry.readyAt) low = mid + 1
      else high = mid
    }
    this.#delayed.splice(low, 0, entry)
    this.#armDelayTimer()
  }

  #armDelayTimer() {
    const due = this.#delayed[0]?.readyAt
    if (this.#closed || due === undefined || due >= this.#delayDue) return
    clearTimeout(this.#delayTimer)
    this.#delayDue = due
    this.#delayTimer = setTimeout(() => this.#promote(), Math.max(0, due - Date.now()))
    this.#delayTimer.unref()
  }

  #promote() {
    this.#delayDue = Number.POSITIVE_INFINITY
    const now = Date.now()
    let due = 0
    while (due < this.#delayed.length && this.#delayed[due]!.readyAt <= now) due++
    for (const entry of this.#delayed.splice(0, due)) {
      entry.state = 'waiting'
      this.#levels[entry.level]!.push(entry)
    }
    this.#armDelayTimer()
    this.#pump()
  }
}
