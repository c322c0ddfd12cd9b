import type { Cluster, Redis } from 'ioredis'
import type { ProfileName } from './types.js'
import { withTimeout } from './with-timeout.js'

/** A profile change one instance announces to the others. */
interface ProfileMessage {
  profile: string
  /** The instance that applied it. */
  from: string
}

/**
 * Keeps the active profile the same on every instance sharing one Redis: the profile is stored
 * in a key (so an instance that starts later picks it up) and announced on a channel (so running
 * instances apply it within milliseconds).
 */
export class ProfileSync {
  readonly #redis: Redis | Cluster
  readonly #key: string
  readonly #instance: string
  readonly #onRemote: (profile: string, from: string) => void
  readonly #timeoutMs: number
  #subscriber: Redis | Cluster | undefined

  /**
   * @param key the key holding the profile; the channel has the same name
   * @param onRemote called with a profile another instance applied
   * @param timeoutMs how long subscribing may take at start
   */
  constructor(
    redis: Redis | Cluster,
    key: string,
    instance: string,
    onRemote: (profile: string, from: string) => void,
    timeoutMs: number,
  ) {
    this.#timeoutMs = timeoutMs
    this.#redis = redis
    this.#key = key
    this.#instance = instance
    this.#onRemote = onRemote
  }

  /** Subscribes and returns the stored profile, if any (`undefined` when Redis is away). */
  async start(): Promise<string | undefined> {
    // The main client neither queues commands while offline nor connects by itself; a
    // subscriber should do both, so it resubscribes after every reconnect.
    const overrides = { enableOfflineQueue: true, lazyConnect: false }
    const subscriber = isCluster(this.#redis)
      ? this.#redis.duplicate(undefined, overrides)
      : this.#redis.duplicate(overrides)
    this.#subscriber = subscriber
    subscriber.on('error', () => {}) // reconnects by itself; failures show in the cache's status
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.#key) return
      const message = parse(raw)
      if (message && message.from !== this.#instance) this.#onRemote(message.profile, message.from)
    })
    try {
      await withTimeout(subscriber.subscribe(this.#key), this.#timeoutMs, 'subscribe')
      return (await this.#redis.get(this.#key)) ?? undefined
    } catch {
      return undefined
    }
  }

  /** Stores the profile and tells the other instances. Best effort: failures are returned. */
  async publish(profile: ProfileName): Promise<Error | undefined> {
    const message: ProfileMessage = { profile, from: this.#instance }
    try {
      await this.#redis.set(this.#key, profile)
      await this.#redis.publish(this.#key, JSON.stringify(message))
      return undefined
    } catch (error) {
      return error as Error
    }
  }

  stop(): void {
    this.#subscriber?.disconnect()
  }
}

function isCluster(redis: Redis | Cluster): redis is Cluster {
  return 'isCluster' in redis && redis.isCluster
}

function parse(raw: string): ProfileMessage | undefined {
  try {
    const value = JSON.parse(raw) as Partial<ProfileMessage>
    return typeof value.profile === 'string' && typeof value.from === 'string'
      ? { profile: value.profile, from: value.from }
      : undefined
  } catch {
    return undefined
  }
}
