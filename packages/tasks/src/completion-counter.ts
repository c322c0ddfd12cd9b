import type { Cluster, Redis } from 'ioredis'

/** How long a minute's count is kept: the minute itself, the next one (when it is read), and slack. */
const KEEP_SECONDS = 180

/**
 * Completions per minute across every worker of a queue, for `status().throughputPerMinute`.
 *
 * It replaces BullMQ's worker metrics, which run an `HINCRBY` and an `HGET` inside every job's
 * completion script (two of the three Redis commands per job we added over raw BullMQ). Here each
 * worker counts in memory and adds its count to the minute's key once a second (`INCRBY` and
 * `EXPIRE` in one pipeline): two commands per second per worker, whatever the throughput. A
 * count whose flush fails is kept for the next one; a worker that dies loses at most one
 * second of counts.
 *
 * @example
 * const counter = new CompletionCounter(producer, 'bi-perf:insights:bi-perf-completed')
 * counter.start()
 * counter.add() // per completed job
 * await counter.perMinute() // completions of the last full minute
 */
export class CompletionCounter {
  #pending = 0
  #minute = currentMinute()
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly client: Redis | Cluster,
    /** The keys' common part; one key per minute is `<base>:<minute since epoch>`. */
    private readonly base: string,
  ) {}

  /** Flushes once a second until {@link stop}. */
  start() {
    this.#timer ??= setInterval(() => void this.flush(), 1_000)
    this.#timer.unref()
  }

  add() {
    const minute = currentMinute()
    if (minute !== this.#minute) {
      // A count belongs to the minute it was made in: flush the old minute's first.
      void this.flush()
      this.#minute = minute
    }
    this.#pending++
  }

  /** Sends the pending count; on failure keeps it for the next flush. */
  async flush(): Promise<void> {
    const count = this.#pending
    if (count === 0 || this.client.status !== 'ready') return
    this.#pending = 0
    const key = `${this.base}:${this.#minute}`
    try {
      await this.client.multi().incrby(key, count).expire(key, KEEP_SECONDS).exec()
    } catch {
      this.#pending += count
    }
  }

  /** Completions in the last full minute, by every worker of the queue. */
  async perMinute(): Promise<number> {
    return Number((await this.client.get(`${this.base}:${currentMinute() - 1}`)) ?? 0)
  }

  /** Stops the timer and sends what is pending. */
  async stop() {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }
}

function currentMinute(): number {
  return Math.floor(Date.now() / 60_000)
}
