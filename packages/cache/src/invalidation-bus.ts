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

/** How long to wait before asking for a new subscriber connection when none could be opened. */
const RECONNECT_DELAY_MS = 100

export interface InvalidationBusOptions {
  channel: string
  instanceId: string
  /**
   * Opens a subscriber connection, or returns undefined when none can be opened yet. Called again
   * whenever the connection ends for good (a cluster node that went away).
   */
  connect: () => RedisClient | undefined
  /** Sends a message; returns false when it could not be sent. */
  publish: (channel: string, message: string) => Promise<boolean>
  onInvalidation: (invalidation: Invalidation) => void
  /**
   * Called each time the subscription is confirmed, the first time included: messages sent
   * before were not received, so what the instance kept in-process may be stale.
   */
  onResync: () => void
  /** Called with an invalidation whose message could not be published. */
  onUndelivered: (invalidation: Invalidation) => void
}

/**
 * Keeps in-process tiers of many instances coherent over Redis pub/sub. Evicted keys written in
 * one tick go out as one message. Pub/sub drops messages while disconnected, so every time the
 * subscription is confirmed (the server's SUBSCRIBE reply, not the connection's `ready`,
 * which comes before it) the instance is told to resync. The bus subscribes itself on every
 * connection, so it knows exactly when messages flow again, also on a cluster, where it listens on
 * one master (PUBLISH reaches every node) and moves to another when that one goes away.
 */
export class InvalidationBus {
  readonly #options: InvalidationBusOptions
  #subscriber: RedisClient | undefined
  #pendingKeys = new Set<string>()
  #flushScheduled = false
  /** Messages being published, so {@link flush} can wait for them. */
  readonly #sending = new Set<Promise<void>>()
  #everSubscribed = false
  #closed = false
  #retryTimer: NodeJS.Timeout | undefined
  #markSubscribed!: () => void
  /** Resolves when the first subscription is confirmed. */
  readonly subscribed = new Promise<void>((resolve) => (this.#markSubscribed = resolve))
  received = 0

  constructor(options: InvalidationBusOptions) {
    this.#options = options
    this.#attach()
  }

  /** Whether messages from other instances are being received right now. */
  get listening(): boolean {
    return this.#subscriber?.status === 'ready' && this.#everSubscribed
  }

  /** Queues keys whose in-process copies other instances must drop; sent once per tick. */
  evictKeys(keys: readonly string[]) {
    for (const key of keys) this.#pendingKeys.add(key)
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => void this.#flushKeys())
  }

  /** Sends what is queued and waits for every message on its way; failures are reported. */
  async flush() {
    await this.#flushKeys()
    await Promise.all(this.#sending)
  }

  async evictPattern(pattern: string) {
    await this.#deliver({ kind: 'pattern', pattern })
  }

  /** Evicts tagged entries; `keys` names those known to carry the tags, tagged copies or not. */
  async evictTags(tags: readonly string[], keys: readonly string[]) {
    await this.#deliver({ kind: 'tags', tags: [...tags], keys: [...keys] })
  }

  /** Publishes an invalidation now; false when it could not be sent (nothing else happens). */
  send(invalidation: Invalidation): Promise<boolean> {
    const message: WireMessage = { from: this.#options.instanceId }
    if (invalidation.kind === 'keys') message.keys = invalidation.keys
    else if (invalidation.kind === 'pattern') message.pattern = invalidation.pattern
    else [message.tags, message.keys] = [invalidation.tags, invalidation.keys ?? []]
    return this.#options.publish(this.#options.channel, JSON.stringify(message))
  }

  /** Sends what is queued, then stops listening. */
  async close() {
    await this.flush()
    this.#closed = true
    clearTimeout(this.#retryTimer)
    const subscriber = this.#subscriber
    if (!subscriber) return
    // QUIT on a client that is not connected would wait for a reconnect that may never come.
    if (subscriber.status !== 'ready') {
      subscriber.disconnect()
      return
    }
    try {
      await subscriber.quit()
    } catch {
      subscriber.disconnect()
    }
  }

  #attach() {
    if (this.#closed) return
    const subscriber = this.#options.connect()
    this.#subscriber = subscriber
    if (!subscriber) {
      this.#retryTimer = setTimeout(() => this.#attach(), RECONNECT_DELAY_MS).unref()
      return
    }
    subscriber.on('error', () => {})
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#options.channel) this.#receive(message)
    })
    subscriber.on('ready', () => this.#subscribe(subscriber))
    subscriber.once('end', () => {
      if (this.#subscriber === subscriber) this.#attach()
    })
    if (subscriber.status === 'ready') this.#subscribe(subscriber)
  }

  #subscribe(subscriber: RedisClient) {
    subscriber.subscribe(this.#options.channel).then(
      () => {
        if (this.#closed || subscriber !== this.#subscriber) return
        this.#everSubscribed = true
        this.#markSubscribed()
        this.#options.onResync()
      },
      () => {
        // The connection dropped before the reply; its next `ready` subscribes again.
      },
    )
  }

  async #flushKeys() {
    this.#flushScheduled = false
    if (this.#pendingKeys.size === 0) return
    const keys = [...this.#pendingKeys]
    this.#pendingKeys = new Set()
    await this.#deliver({ kind: 'keys', keys })
  }

  async #deliver(invalidation: Invalidation) {
    const sending = this.send(invalidation).then((sent) => {
      if (!sent) this.#options.onUndelivered(invalidation)
    })
    this.#sending.add(sending)
    try {
      await sending
    } finally {
      this.#sending.delete(sending)
    }
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
