import type { Cluster, Redis } from 'ioredis'

/** Options of {@link InstanceRegistry}. */
export interface InstanceRegistryOptions {
  /** An instance is alive while its last heartbeat is younger than this. */
  ttlMs: number
  /** How often this instance beats. */
  intervalMs: number
}

/**
 * Heartbeats of the optimizer instances sharing one Redis: each instance writes its name with
 * the time into one sorted set every `intervalMs`, drops entries older than `ttlMs`, and reads
 * the rest as the live instances. One key (not a key per instance with a TTL) so that reading
 * the list is one command, on a single Redis and on a Cluster alike.
 */
export class InstanceRegistry {
  readonly #redis: Redis | Cluster
  readonly #key: string
  readonly #instance: string
  readonly #options: InstanceRegistryOptions
  #timer: NodeJS.Timeout | undefined
  #alive: string[] = []
  #lastBeat: number | undefined

  constructor(
    redis: Redis | Cluster,
    key: string,
    instance: string,
    options: InstanceRegistryOptions,
  ) {
    this.#redis = redis
    this.#key = key
    this.#instance = instance
    this.#options = options
  }

  /** Beats now and then every `intervalMs` (an `unref`'d timer). */
  async start(): Promise<void> {
    await this.beat()
    this.#timer = setInterval(() => void this.beat(), this.#options.intervalMs)
    this.#timer.unref()
  }

  /**
   * Records this instance and reads the live ones. Failures (Redis away) keep the last list:
   * a heartbeat is best effort, and the list ages out by itself on the readers' side.
   */
  async beat(): Promise<void> {
    const now = Date.now()
    try {
      const results = await this.#redis
        .multi()
        .zadd(this.#key, now, this.#instance)
        .zremrangebyscore(this.#key, '-inf', now - this.#options.ttlMs)
        .zrangebyscore(this.#key, now - this.#options.ttlMs, '+inf')
        .pexpire(this.#key, this.#options.ttlMs * 4)
        .exec()
      const alive = results?.[2]?.[1]
      if (Array.isArray(alive)) {
        this.#alive = (alive as string[]).sort()
        this.#lastBeat = now
      }
    } catch {
      // Kept: the last list, until it is too old to trust (see alive()).
    }
  }

  /** The live instances as of the last successful beat; only this one when that is too old. */
  alive(): string[] {
    if (this.#lastBeat === undefined || Date.now() - this.#lastBeat > this.#options.ttlMs) {
      return [this.#instance]
    }
    return [...this.#alive]
  }

  /** Stops beating and removes this instance from the set (best effort). */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#redis.zrem(this.#key, this.#instance).catch(() => undefined)
  }
}
