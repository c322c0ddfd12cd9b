import { randomUUID } from 'node:crypto'
import { CacheClosedError, InvalidOptionError } from './errors.js'
import { escapeGlob } from './glob.js'
import { InvalidationBus, type Invalidation } from './invalidation-bus.js'
import { MemoryTier, type MemoryEntry } from './memory-tier.js'
import type { ResolvedOptions } from './options.js'
import { PendingInvalidations } from './pending-invalidations.js'
import { resolveReconfiguration } from './reconfiguration.js'
import { openConnection } from './redis-connection.js'
import { RedisTier, UNAVAILABLE, type Maybe } from './redis-tier.js'
import { serialize } from './serializer.js'
import { SingleFlight } from './single-flight.js'
import { decodeEntry, encodeEntry, type EntryTimes } from './stored-entry.js'
import type { CacheReconfiguration, CacheSettings, CacheStats, Loader } from './types.js'

/** After a failed background refresh, stale callers wait this long before the next attempt. */
const REFRESH_RETRY_MS = 1_000
/** How often pending invalidations are retried while Redis is away. */
const REPLAY_INTERVAL_MS = 1_000

/** TTL, grace and tags of one write, already validated. */
export interface WritePolicy {
  ttl: number
  grace: number
  tags: readonly string[] | undefined
}

/**
 * The machinery behind every {@link Cache} view: both tiers, single-flight, grace, coherence and
 * the replay of invalidations. Keys here are internal keys (namespace path included, Redis prefix
 * not), already validated by the view.
 */
export class CacheEngine {
  readonly options: ResolvedOptions
  readonly #memory: MemoryTier
  readonly #redis: RedisTier | undefined
  readonly #bus: InvalidationBus | undefined
  readonly #pending: PendingInvalidations
  readonly #loads = new SingleFlight()
  readonly #refreshes = new SingleFlight()
  readonly #counters = {
    hits: 0,
    misses: 0,
    staleServed: 0,
    coalesced: 0,
    loads: 0,
    loadErrors: 0,
    compressed: 0,
    bytesSaved: 0,
    resyncs: 0,
  }
  readonly #keyPrefix: string
  #replayTimer: NodeJS.Timeout | undefined
  #replaying = false
  #closed = false

  constructor(options: ResolvedOptions) {
    this.options = options
    this.#keyPrefix = `${options.prefix}:`
    this.#memory = new MemoryTier(options.l1)
    this.#pending = new PendingInvalidations(options.maxPendingInvalidations, '*')
    if (options.redis === undefined) return
    const settings = { commandTimeout: options.commandTimeout }
    this.#redis = new RedisTier(openConnection(options.redis, settings), {
      breakerThreshold: options.breaker.threshold,
      halfOpenAfter: options.breaker.halfOpenAfter,
    })
    this.#redis.client.on('ready', () => void this.#replay())
    this.#redis.onReset(() => void this.#replay())
    if (options.coherence) {
      const redis = this.#redis
      this.#bus = new InvalidationBus(
        openConnection(options.redis, { ...settings, subscriber: true }),
        {
          channel: `${options.prefix}|bus`,
          instanceId: randomUUID(),
          publish: (channel, message) => redis.publish(channel, message),
          onInvalidation: (invalidation) => this.#evictLocally(invalidation),
          onResync: () => {
            this.#counters.resyncs++
            this.#memory.clear()
          },
        },
      )
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    this.#assertOpen()
    const local = this.#memory.peek(key)
    if (local && local.freshUntil > Date.now()) {
      this.#memory.counters.hits++
      this.#counters.hits++
      return this.#memory.read<T>(local)
    }
    this.#memory.counters.misses++
    if (!this.#redis || this.#pending.size > 0) {
      this.#counters.misses++
      return undefined
    }
    const data = await this.#redis.get(this.#redisKey(key))
    let remote = data === UNAVAILABLE || data === null ? undefined : this.#remember(key, data)
    if (remote instanceof Promise) remote = await remote
    if (remote && remote.freshUntil > Date.now()) {
      this.#counters.hits++
      return this.#memory.read<T>(remote)
    }
    this.#counters.misses++
    return undefined
  }

  async set(key: string, value: unknown, policy: WritePolicy): Promise<void> {
    this.#assertOpen()
    await this.#write(key, serialize(key, value), value, policy)
  }

  /** Writes many entries; every value is serialized before anything is written. */
  async setMany(entries: { key: string; value: unknown; policy: WritePolicy }[]): Promise<void> {
    this.#assertOpen()
    const payloads = entries.map(({ key, value }) => serialize(key, value))
    await Promise.all(
      entries.map(({ key, value, policy }, index) =>
        this.#write(key, payloads[index]!, value, policy),
      ),
    )
  }

  async getOrSet<T>(key: string, loader: Loader<T>, policy: WritePolicy): Promise<T> {
    this.#assertOpen()
    const local = this.#memory.peek(key)
    const now = Date.now()
    if (local && local.freshUntil > now) {
      this.#memory.counters.hits++
      this.#counters.hits++
      return this.#memory.read<T>(local)
    }
    const running = this.#loads.current<MemoryEntry | undefined>(key)
    if (running) {
      this.#counters.coalesced++
      if (local && local.staleUntil > now) return this.#serveStale(key, local, loader, policy)
    }
    const entry = await (running ??
      this.#loads.run(key, () => this.#lookupOrLoad(key, local, loader, policy)))
    return (entry ? this.#memory.read<T>(entry) : undefined) as T
  }

  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    this.#assertOpen()
    const results = new Array<T | undefined>(keys.length)
    const missing: number[] = []
    const now = Date.now()
    keys.forEach((key, index) => {
      const local = this.#memory.peek(key)
      if (local && local.freshUntil > now) {
        this.#memory.counters.hits++
        results[index] = this.#memory.read<T>(local)
      } else {
        this.#memory.counters.misses++
        missing.push(index)
      }
    })
    if (missing.length > 0 && this.#redis && this.#pending.size === 0) {
      const stored = await this.#redis.mget(missing.map((index) => this.#redisKey(keys[index]!)))
      if (stored !== UNAVAILABLE) {
        await Promise.all(
          missing.map(async (index, position) => {
            const data = stored[position]
            const entry = data ? await this.#remember(keys[index]!, data) : undefined
            if (entry && entry.freshUntil > Date.now()) results[index] = this.#memory.read<T>(entry)
          }),
        )
      }
    }
    for (const value of results) {
      if (value === undefined) this.#counters.misses++
      else this.#counters.hits++
    }
    return results
  }

  async delete(key: string): Promise<boolean> {
    this.#assertOpen()
    const removedLocally = this.#memory.delete(key)
    if (!this.#redis) return removedLocally
    const removed = await this.#redis.unlink([this.#redisKey(key)])
    if (removed === UNAVAILABLE) {
      this.#defer({ kind: 'keys', keys: [key] })
      return removedLocally
    }
    this.#bus?.evictKeys([key])
    return removed > 0 || removedLocally
  }

  /** Removes every internal key matching the glob pattern, in both tiers and every instance. */
  async clear(pattern: string): Promise<number> {
    this.#assertOpen()
    const removedLocally = this.#memory.deleteMatching(pattern)
    if (!this.#redis) return removedLocally
    const removed = await this.#redis.unlinkMatching(escapeGlob(this.#keyPrefix) + pattern)
    if (removed === UNAVAILABLE) {
      this.#defer({ kind: 'pattern', pattern })
      return removedLocally
    }
    await this.#bus?.evictPattern(pattern)
    return Math.max(removed, removedLocally)
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    this.#assertOpen()
    const removedLocally = this.#memory.deleteTagged(tags)
    if (!this.#redis) return removedLocally
    const outcome = await this.#tagInvalidation(this.#redis, tags)
    if (outcome === UNAVAILABLE) {
      this.#defer({ kind: 'tags', tags: [...tags] })
      return removedLocally
    }
    return Math.max(outcome, removedLocally)
  }

  stats(): CacheStats {
    const c = this.#counters
    const memory = this.#memory
    const lookups = c.hits + c.misses
    return {
      hits: c.hits,
      misses: c.misses,
      hitRate: lookups === 0 ? 0 : c.hits / lookups,
      staleServed: c.staleServed,
      coalesced: c.coalesced,
      loads: c.loads,
      loadErrors: c.loadErrors,
      l1: {
        enabled: this.options.l1.enabled,
        ...memory.counters,
        entries: memory.entries,
        bytes: memory.bytes,
        maxEntries: this.options.l1.maxEntries,
        maxBytes: this.options.l1.maxBytes,
      },
      l2: this.#redis && {
        ...this.#redis.counters,
        latencyMs: this.#redis.latency(),
        connection: this.#redis.client.status,
        breaker: this.#redis.breakerState,
        pendingInvalidations: this.#pending.size,
        resyncs: c.resyncs,
        invalidationsReceived: this.#bus?.received ?? 0,
      },
      compression: {
        codec: this.options.compression.codec,
        compressed: c.compressed,
        bytesSaved: c.bytesSaved,
      },
    }
  }

  /**
   * Validates every change first, then applies them all; nothing async happens in between, so
   * no call sees a mix of old and new settings. TTLs, grace, jitter and compression are read on
   * every write, so updating the live options is enough; the in-process tier is rebuilt.
   */
  configure(changes: CacheReconfiguration): CacheSettings {
    this.#assertOpen()
    const next = resolveReconfiguration(changes, this.options)
    const options = this.options
    options.defaults.ttl = next.defaults.ttl
    options.defaults.grace = next.defaults.grace
    options.ttlJitter = next.ttlJitter
    options.compression.codec = next.compression.codec
    options.compression.threshold = next.compression.threshold
    this.#memory.resize(next.l1.maxEntries, next.l1.maxBytes)
    options.l1.maxEntries = next.l1.maxEntries
    options.l1.maxBytes = next.l1.maxBytes
    return this.settings()
  }

  shrink(keep: number): number {
    this.#assertOpen()
    if (typeof keep !== 'number' || !(keep >= 0 && keep <= 1)) {
      throw new InvalidOptionError('keep', keep, 'must be a share from 0 to 1')
    }
    return this.#memory.shrink(keep)
  }

  settings(): CacheSettings {
    const { defaults, ttlJitter, l1, compression, commandTimeout } = this.options
    return {
      ttlMs: defaults.ttl,
      ttlJitter,
      graceMs: defaults.grace,
      l1: { ...l1 },
      compression: { ...compression },
      commandTimeoutMs: commandTimeout,
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#replayTimer)
    await Promise.allSettled([this.#bus?.close(), this.#redis?.close()])
    this.#memory.clear()
  }

  async #lookupOrLoad<T>(
    key: string,
    local: MemoryEntry | undefined,
    loader: Loader<T>,
    policy: WritePolicy,
  ): Promise<MemoryEntry | undefined> {
    this.#memory.counters.misses++
    const remote = await this.#fetch(key)
    const now = Date.now()
    if (remote && remote.freshUntil > now) {
      this.#counters.hits++
      return remote
    }
    const stale = [remote, local].find((entry) => entry !== undefined && entry.staleUntil > now)
    if (stale) {
      this.#counters.staleServed++
      this.#refreshInBackground(key, stale, loader, policy)
      return stale
    }
    this.#counters.misses++
    return this.#load(key, loader, policy)
  }

  #serveStale<T>(key: string, stale: MemoryEntry, loader: Loader<T>, policy: WritePolicy): T {
    this.#counters.staleServed++
    this.#refreshInBackground(key, stale, loader, policy)
    return this.#memory.read<T>(stale)
  }

  /** One refresh per key at a time; after a failure, the stale value is served for a while. */
  #refreshInBackground<T>(key: string, stale: MemoryEntry, loader: Loader<T>, policy: WritePolicy) {
    if (stale.refreshAfter > Date.now()) return
    this.#refreshes
      .run(key, () => this.#load(key, loader, policy))
      .catch(() => {
        stale.refreshAfter = Date.now() + REFRESH_RETRY_MS
      })
  }

  async #load<T>(key: string, loader: Loader<T>, policy: WritePolicy) {
    this.#counters.loads++
    let value: T
    try {
      value = await loader()
    } catch (error) {
      this.#counters.loadErrors++
      throw error
    }
    if (value === undefined) return undefined
    return this.#write(key, serialize(key, value), value, policy)
  }

  async #write(key: string, payload: Buffer, value: unknown, policy: WritePolicy) {
    const ttl = this.#jitter(policy.ttl)
    const now = Date.now()
    const times: EntryTimes = { freshUntil: now + ttl, staleUntil: now + ttl + policy.grace }
    const entry = this.#memory.store(key, payload, value, times, policy.tags)
    if (this.#redis) {
      const { codec, threshold } = this.options.compression
      const encoded = await encodeEntry(payload, times, codec, threshold)
      if (encoded.compressed) {
        this.#counters.compressed++
        this.#counters.bytesSaved += encoded.bytesSaved
      }
      const tagKeys = policy.tags?.map((tag) => this.#tagKey(tag))
      const stored = await this.#redis.set(
        this.#redisKey(key),
        encoded.data,
        ttl + policy.grace,
        tagKeys,
      )
      if (stored) this.#bus?.evictKeys([key])
    }
    return entry
  }

  /** Reads an entry from Redis into the in-process tier; skipped while invalidations are pending. */
  async #fetch(key: string): Promise<MemoryEntry | undefined> {
    if (!this.#redis || this.#pending.size > 0) return undefined
    const data = await this.#redis.get(this.#redisKey(key))
    if (data === UNAVAILABLE || data === null) return undefined
    return this.#remember(key, data)
  }

  /** Decodes an entry read from Redis and keeps it in the in-process tier. */
  #remember(key: string, data: Buffer): MemoryEntry | undefined | Promise<MemoryEntry | undefined> {
    try {
      const decoded = decodeEntry(data)
      if (decoded instanceof Promise) {
        return decoded.then(
          (entry) => this.#memory.store(key, entry.payload, undefined, entry),
          () => undefined,
        )
      }
      return this.#memory.store(key, decoded.payload, undefined, decoded)
    } catch {
      // An entry this version cannot read is a miss; the next write replaces it.
      return undefined
    }
  }

  #evictLocally(invalidation: Invalidation) {
    if (invalidation.kind === 'keys') for (const key of invalidation.keys) this.#memory.delete(key)
    else if (invalidation.kind === 'pattern') this.#memory.deleteMatching(invalidation.pattern)
    else {
      this.#memory.deleteTagged(invalidation.tags)
      for (const key of invalidation.keys ?? []) this.#memory.delete(key)
    }
  }

  /** Remembers an invalidation Redis did not take, and retries until it does. */
  #defer(invalidation: Invalidation) {
    this.#pending.add(invalidation)
    this.#replayTimer ??= setInterval(() => void this.#replay(), REPLAY_INTERVAL_MS).unref()
  }

  async #replay() {
    const redis = this.#redis
    if (!redis || this.#replaying || this.#pending.size === 0 || this.#closed) return
    this.#replaying = true
    try {
      for (let next = this.#pending.peek(); next; next = this.#pending.peek()) {
        const done = await this.#apply(redis, next)
        if (!done) return
        this.#pending.shift()
      }
      clearInterval(this.#replayTimer)
      this.#replayTimer = undefined
    } finally {
      this.#replaying = false
    }
  }

  async #apply(redis: RedisTier, invalidation: Invalidation): Promise<boolean> {
    if (invalidation.kind === 'keys') {
      const removed = await redis.unlink(invalidation.keys.map((key) => this.#redisKey(key)))
      if (removed === UNAVAILABLE) return false
      this.#bus?.evictKeys(invalidation.keys)
    } else if (invalidation.kind === 'pattern') {
      const removed = await redis.unlinkMatching(escapeGlob(this.#keyPrefix) + invalidation.pattern)
      if (removed === UNAVAILABLE) return false
      await this.#bus?.evictPattern(invalidation.pattern)
    } else {
      if ((await this.#tagInvalidation(redis, invalidation.tags)) === UNAVAILABLE) return false
    }
    return true
  }

  /** Unlinks tagged entries in Redis and tells other instances which keys and tags went. */
  async #tagInvalidation(redis: RedisTier, tags: readonly string[]): Promise<Maybe<number>> {
    const outcome = await redis.unlinkTagged(tags.map((tag) => this.#tagKey(tag)))
    if (outcome === UNAVAILABLE) return UNAVAILABLE
    const keys = outcome.keys.map((redisKey) => redisKey.slice(this.#keyPrefix.length))
    for (const key of keys) this.#memory.delete(key)
    await this.#bus?.evictTags(tags, keys)
    return outcome.removed
  }

  #jitter(ttl: number): number {
    const spread = this.options.ttlJitter
    if (spread === 0) return ttl
    return Math.max(1, Math.round(ttl * (1 + spread * (Math.random() * 2 - 1))))
  }

  #redisKey(key: string): string {
    return this.#keyPrefix + key
  }

  #tagKey(tag: string): string {
    return `${this.options.prefix}|tag:${tag}`
  }

  #assertOpen() {
    if (this.#closed) throw new CacheClosedError()
  }
}
