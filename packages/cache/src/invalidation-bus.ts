import type { RedisClient } from './redis-connection.js'

/** What another instance must evict from its in-process tier. */
export type Invalidation =
  | { kind: 'keys'; keys: string[] }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'tags'; tags: string[]; keys?: string[] }

interface WireMessage {
  /** Sender's instance id, so an instance ignores its own messages. */
  from: string
  keys?: string[]
  pattern?: string
  tags?: string[]
}

export interface InvalidationBusOptions {
  channel: string
  instanceId: string
  /** Sends a message; returns false when it could not be sent. */
  publish: (channel: string, message: string) => Promise<boolean>
  onInvalidation: (invalidation: Invalidation) => void
  /** Called when the subscription was interrupted and messages may have been lost. */
  onResync: () => void
}

/**
 * Keeps in-process tiers of many instances coherent over Redis pub/sub. Evicted keys written in
 * one tick go out as one message. Pub/sub drops messages while disconnected, so after every
 * reconnect of the subscriber the instance is told to resync (drop its in-process tier).
 */
export class InvalidationBus {
  readonly #options: InvalidationBusOptions
  readonly #subscriber: RedisClient
  #pendingKeys = new Set<string>()
  #flushScheduled = false
  #hasBeenReady = false
  received = 0

  constructor(subscriber: RedisClient, options: InvalidationBusOptions) {
    this.#options = options
    this.#subscriber = subscriber
    subscriber.on('error', () => {})
    subscriber.on('ready', () => {
      if (this.#hasBeenReady) options.onResync()
      this.#hasBeenReady = true
    })
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === options.channel) this.#receive(message)
    })
    subscriber.subscribe(options.channel).catch(() => {
      // Retried by ioredis' auto-resubscribe on the next connection.
    })
  }

  /** Queues keys whose in-process copies other instances must drop; sent once per tick. */
  evictKeys(keys: readonly string[]) {
    for (const key of keys) this.#pendingKeys.add(key)
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => void this.#flushKeys())
  }

  async evictPattern(pattern: string) {
    await this.#send({ from: this.#options.instanceId, pattern })
  }

  /** Evicts tagged entries; `keys` names those known to carry the tags, tagged copies or not. */
  async evictTags(tags: readonly string[], keys: readonly string[]) {
    await this.#send({ from: this.#options.instanceId, tags: [...tags], keys: [...keys] })
  }

  /** Sends what is queued, then stops listening. */
  async close() {
    await this.#flushKeys()
    // QUIT on a client that is not connected would wait for a reconnect that may never come.
    if (this.#subscriber.status !== 'ready') {
      this.#subscriber.disconnect()
      return
    }
    try {
      await this.#subscriber.quit()
    } catch {
      this.#subscriber.disconnect()
    }
  }

  async #flushKeys() {
    this.#flushScheduled = false
    if (this.#pendingKeys.size === 0) return
    const keys = [...this.#pendingKeys]
    this.#pendingKeys = new Set()
    await this.#send({ from: this.#options.instanceId, keys })
  }

  async #send(message: WireMessage) {
    await this.#options.publish(this.#options.channel, JSON.stringify(message))
  }

  #receive(raw: string) {
    let message: WireMessage
    try {
      message = JSON.parse(raw) as WireMessage
    } catch {
      return
    }
    if (message.from === this.#options.instanceId) return
    this.received++
    if (Array.isArray(message.tags)) {
      this.#options.onInvalidation({ kind: 'tags', tags: message.tags, keys: message.keys ?? [] })
    } else if (Array.isArray(message.keys)) {
      this.#options.onInvalidation({ kind: 'keys', keys: message.keys })
    } else if (typeof message.pattern === 'string') {
      this.#options.onInvalidation({ kind: 'pattern', pattern: message.pattern })
    }
  }
}
