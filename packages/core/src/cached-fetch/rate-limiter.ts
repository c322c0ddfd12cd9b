import { abortReason } from './flights.js'

/** Buckets kept before idle ones (full, nobody waiting) are swept. */
const SWEEP_ABOVE = 1_000

interface Waiter {
  resolve: (waitedMs: number) => void
  reject: (reason: unknown) => void
  since: number
  signal: AbortSignal | undefined
  onAbort: () => void
}

interface Bucket {
  tokens: number
  /** When `tokens` was last brought up to date (ms, monotonic). */
  updatedAt: number
  queue: Waiter[]
  timer: NodeJS.Timeout | undefined
}

/**
 * A token bucket per host that delays requests beyond `rps` per second: callers queue in arrival
 * order and are let through as tokens come back; nobody is dropped. A waiter whose signal aborts
 * leaves the queue without using a token. With `burst` 1 (the default) requests to one host are
 * spaced `1000 / rps` ms apart.
 */
export class HostRateLimiter {
  readonly #intervalMs: number
  readonly #burst: number
  readonly #buckets = new Map<string, Bucket>()
  #closed = false

  constructor(rps: number, burst: number) {
    this.#intervalMs = 1000 / rps
    this.#burst = burst
  }

  /** Resolves when a request to `host` may start, with the time waited in ms. */
  acquire(host: string, signal?: AbortSignal): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('the rate limiter is closed'))
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    const bucket = this.#bucket(host)
    this.#refill(bucket)
    if (bucket.queue.length === 0 && bucket.tokens >= 1) {
      bucket.tokens--
      return Promise.resolve(0)
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        since: performance.now(),
        signal,
        onAbort: () => {
          const at = bucket.queue.indexOf(waiter)
          if (at !== -1) bucket.queue.splice(at, 1)
          if (signal) reject(abortReason(signal))
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      bucket.queue.push(waiter)
      this.#schedule(bucket)
    })
  }

  /** Rejects every queued request and stops the timers. */
  close(): void {
    this.#closed = true
    for (const bucket of this.#buckets.values()) {
      clearTimeout(bucket.timer)
      for (const waiter of bucket.queue.splice(0)) {
        waiter.signal?.removeEventListener('abort', waiter.onAbort)
        waiter.reject(new Error('the rate limiter is closed'))
      }
    }
    this.#buckets.clear()
  }

  #bucket(host: string): Bucket {
    let bucket = this.#buckets.get(host)
    if (!bucket) {
      if (this.#buckets.size >= SWEEP_ABOVE) this.#sweep()
      bucket = { tokens: this.#burst, updatedAt: performance.now(), queue: [], timer: undefined }
      this.#buckets.set(host, bucket)
    }
    return bucket
  }

  #refill(bucket: Bucket) {
    const now = performance.now()
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + (now - bucket.updatedAt) / this.#intervalMs,
    )
    bucket.updatedAt = now
  }

  /** Lets queued waiters through while tokens last, then sleeps until the next token. */
  #drain(bucket: Bucket) {
    bucket.timer = undefined
    this.#refill(bucket)
    while (bucket.queue.length > 0 && bucket.tokens >= 1) {
      const waiter = bucket.queue.shift()!
      bucket.tokens--
      waiter.signal?.removeEventListener('abort', waiter.onAbort)
      waiter.resolve(performance.now() - waiter.since)
    }
    if (bucket.queue.length > 0) this.#schedule(bucket)
  }

  #schedule(bucket: Bucket) {
    if (bucket.timer) return
    const waitMs = Math.max(0, (1 - bucket.tokens) * this.#intervalMs)
    bucket.timer = setTimeout(() => this.#drain(bucket), Math.ceil(waitMs))
  }

  /** A full bucket nobody waits on is the same as a new one: forget it, so memory stays bounded. */
  #sweep() {
    for (const [host, bucket] of this.#buckets) {
      this.#refill(bucket)
      if (bucket.queue.length === 0 && bucket.tokens >= this.#burst) this.#buckets.delete(host)
    }
  }
}
