import { randomUUID } from 'node:crypto'
import { CacheClosedError } from './errors.js'
import { escapeGlob } from './glob.js'
import { InvalidationBus, type Invalidation } from './invalidation-bus.js'
import { MemoryTier, type MemoryEntry } from './memory-tier.js'
import { read } from './option-reader.js'
import { ValueCodec } from './value-codec.js'
import type { ResolvedOptions } from './options.js'
import { PendingInvalidations, type JournalEntry } from './pending-invalidations.js'
import { resolveReconfiguration } from './reconfiguration.js'
import { openConnection, openSubscriber, type RedisClient } from './redis-connection.js'
import { RedisTier, UNAVAILABLE, type Maybe } from './redis-tier.js'
import { ShapeRegistry } from './shape-registry.js'
import { SingleFlight } from './single-flight.js'
import { decodeEntry, encodeEntry, type DecodedEntry, type EntryTimes } from './stored-entry.js'
import type {
  CacheReadiness,
  CacheReconfiguration,
  CacheSettings,
  CacheStats,
  Loader,
} from './types.js'

/** After a failed background refresh, stale callers wait this long before the next attempt. */
const REFRESH_RETRY_MS = 1_000
/** How often, at most, journaled invalidations are retried while Redis is away. */
const REPLAY_INTERVAL_MS = 1_000

/**
 * A write time for entries and journal entries: the wall clock (so instances on different
 * machines compare), but strictly increasing within the process, so a write and a failed write
 * made in the same millisecond still have an order.
 */
let lastStamp = 0
function stamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 0.001)
  return lastStamp
}

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
 *
 * Consistency rules, each closing a way an old value could come back:
 * - Start-up: commands wait for the first connection and subscription (bounded by
 *   `connectTimeout`) instead of skipping Redis.
 * - The journal: every delete, clear and tag invalidation Redis did not take, every write that
 *   may not have landed (skipped, failed or timed out) and every message that could not be
 *   published is journaled; while it is not empty no value is read from Redis. Replay removes
 *   only entries written at or before the journaled time, so a later write is never undone.
 * - In-process fills: a value read from Redis is kept only if no invalidation arrived or ran
 *   (this instance's own delete, clear or tag invalidation, from its start until Redis took it)
 *   while it was read, and the tier holds nothing newer for the key (the {@link #epoch} check).
 * - Resync: when the subscription comes back, messages may have been lost; the in-process tier is
 *   dropped then, or after this instance's own replay when the journal is not empty.
 */
export class CacheEngine {
  readonly options: ResolvedOptions
  readonly #memory: MemoryTier
  readonly #codec: ValueCodec
  readonly #shapes: ShapeRegistry
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
  readonly #readiness: Promise<CacheReadiness>
  #endStartup: () => void = () => {}
  #replayTimer: NodeJS.Timeout | undefined
  #replaying: Promise<void> | undefined
  /** A resync came while the journal was not empty: drop the in-process tier after the replay. */
  #resyncOwed = false
  /**
   * Counts invalidations that reached the in-process tier (from other instances, resyncs and
   * this instance's deletes). A read from Redis keeps its value in-process only if the count did
   * not change while it was in flight: otherwise the value may be one just invalidated.
   */
  #epoch = 0
  /** This instance's deletes, clears and tag invalidations still running. */
  #invalidating = 0
  /** Start-up is over: commands no longer wait for the first connection. */
  #started = false
  #closed = false

  constructor(options: ResolvedOptions) {
    this.options = options
    this.#keyPrefix = `${options.prefix}:`
    this.#codec = new ValueCodec({
      onUnknownShape: (keys) => this.#shapes.noteUnknown(keys),
      // Only payloads kept in process (copied mode) can be of a dropped generation.
      onForget: () => this.#memory.clear(),
      onNoShapes: () => void this.#shapes.reload(),
    })
    this.#memory = new MemoryTier(options.l1, (payload) => this.#codec.decode(payload))
    this.#pending = new PendingInvalidations(options.maxPendingInvalidations, '*')
    if (options.redis === undefined) {
      this.#shapes = new ShapeRegistry(this.#codec)
      this.#readiness = Promise.resolve('memory')
      return
    }
    const source = options.redis
    const settings = { commandTimeout: options.commandTimeout }
    const client = openConnection(source, { ...settings, directReads: options.coalesce !== false })
    if (options.coherence) {
      this.#bus = new InvalidationBus({
        channel: `${options.prefix}|bus`,
        instanceId: randomUUID(),
        connect: () => openSubscriber(source, client, settings),
        publish: (channel, message) => redis.publish(channel, message),
        onInvalidation: (invalidation) => this.#evictLocally(invalidation),
        onResync: () => this.#resync(),
        onUndelivered: (invalidation) => this.#defer(invalidation, stamp(), true),
      })
    }
    const opened = this.#startup(client, this.#bus)
    const redis = new RedisTier(client, {
      breakerThreshold: options.breaker.threshold,
      halfOpenAfter: options.breaker.halfOpenAfter,
      opening: opened,
      coalesce: options.coalesce,
    })
    this.#redis = redis
    const shapesKey = `${options.prefix}|shapes`
    this.#shapes = new ShapeRegistry(this.#codec, {
      load: (fresh) => redis.loadShapes(shapesKey, fresh),
      append: (generation, count, limit, shapes) =>
        redis.appendShapes(shapesKey, generation, count, limit, shapes),
    })
    this.#readiness = opened.then(() => (client.status === 'ready' ? 'connected' : 'fallback'))
    client.on('ready', () => {
      void this.#replay()
      // A Redis that lost its data lost the shape list too; a new generation starts here.
      void this.#shapes.reload(true)
    })
    client.on('close', () => this.#shapes.suspend())
    redis.onReset(() => void this.#replay())
  }

  /**
   * Settles once the connection is ready and the bus subscribed, or when `connectTimeout` has
   * passed (or the cache closed) without that: from then on commands skip an unreachable Redis.
   */
  #startup(client: RedisClient, bus: InvalidationBus | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const connected = new Promise<void>((ready) => {
        if (client.status === 'ready') ready()
        else client.once('ready', () => ready())
      })
      this.#endStartup = () => {
        clearTimeout(timer)
        this.#started = true
        resolve()
      }
      const timer = setTimeout(this.#endStartup, this.options.connectTimeout).unref()
      void Promise.all([connected, bus?.subscribed]).then(this.#endStartup)
    })
  }

  /** Resolves once start-up is over: whether Redis is used or the cache runs on its own tier. */
  ready(): Promise<CacheReadiness> {
    return this.#readiness
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
    const epoch = this.#epoch
    const data = await this.#redis.get(this.#redisKey(key))
    let remote =
      data === UNAVAILABLE || data === null ? undefined : this.#remember(key, data, epoch)
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
    await this.#write(key, this.#codec.encode(key, value), value, policy)
  }

  /** Writes many entries; every value is serialized before anything is written. */
  async setMany(entries: { key: string; value: unknown; policy: WritePolicy }[]): Promise<void> {
    this.#assertOpen()
    const payloads = entries.map(({ key, value }) => this.#codec.encode(key, value))
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
      const epoch = this.#epoch
      const stored = await this.#redis.mget(missing.map((index) => this.#redisKey(keys[index]!)))
      if (stored !== UNAVAILABLE) {
        await Promise.all(
          missing.map(async (index, position) => {
            const data = stored[position]
            const entry = data ? await this.#remember(keys[index]!, data, epoch) : undefined
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
    return this.#invalidation(async () => {
      const removedLocally = this.#memory.delete(key)
      if (!this.#redis) return removedLocally
      const at = stamp()
      const removed = await this.#redis.unlink([this.#redisKey(key)])
      if (removed === UNAVAILABLE) {
        this.#defer({ kind: 'keys', keys: [key] }, at)
        return removedLocally
      }
      this.#bus?.evictKeys([key])
      return removed > 0 || removedLocally
    })
  }

  /** Removes every internal key matching the glob pattern, in both tiers and every instance. */
  async clear(pattern: string): Promise<number> {
    this.#assertOpen()
    return this.#invalidation(async () => {
      const removedLocally = this.#memory.deleteMatching(pattern)
      if (!this.#redis) return removedLocally
      const at = stamp()
      const removed = await this.#redis.unlinkMatching(escapeGlob(this.#keyPrefix) + pattern)
      if (removed === UNAVAILABLE) {
        this.#defer({ kind: 'pattern', pattern }, at)
        return removedLocally
      }
      await this.#bus?.evictPattern(pattern)
      return Math.max(removed, removedLocally)
    })
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    this.#assertOpen()
    return this.#invalidation(async () => {
      const removedLocally = this.#memory.deleteTagged(tags)
      if (!this.#redis) return removedLocally
      const at = stamp()
      const outcome = await this.#tagInvalidation(this.#redis, tags)
      if (outcome === UNAVAILABLE) {
        this.#defer({ kind: 'tags', tags: [...tags] }, at)
        return removedLocally
      }
      return Math.max(outcome, removedLocally)
    })
  }

  /**
   * Runs one of this instance's invalidations. A read from Redis that overlaps it in any way
   * (started before and ended during or after, or started while it ran) may carry a value it
   * removes: such a read is served but not kept in-process. The epoch moves at both ends, and
   * {@link #keep} also checks the count of invalidations still running.
   */
  async #invalidation<T>(run: () => Promise<T>): Promise<T> {
    this.#epoch++
    this.#invalidating++
    try {
      return await run()
    } finally {
      this.#invalidating--
      this.#epoch++
    }
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
        subscribed: this.#bus?.listening ?? false,
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
    return this.#memory.shrink(read.fraction('keep', keep))
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

  /**
   * Rejects new calls, sends the evictions still queued and makes one last attempt at the
   * journal (what Redis takes now is not lost with this instance; each command is bounded by the
   * command timeout), then closes the connections.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#endStartup()
    clearInterval(this.#replayTimer)
    this.#replayTimer = undefined
    await this.#bus?.flush()
    await this.#replay()
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
    return this.#write(key, this.#codec.encode(key, value), value, policy)
  }

  async #write(key: string, payload: Buffer, value: unknown, policy: WritePolicy) {
    const ttl = this.#jitter(policy.ttl)
    const now = Date.now()
    const times: EntryTimes = {
      freshUntil: now + ttl,
      staleUntil: now + ttl + policy.grace,
      writtenAt: stamp(),
    }
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
      // Skipped, failed or timed out: it may or may not have landed, and an older value may
      // still be there. Either way it must not outlive this write once Redis is back.
      if (stored) this.#bus?.evictKeys([key])
      else this.#defer({ kind: 'keys', keys: [key] }, times.writtenAt)
    }
    return entry
  }

  /** Reads an entry from Redis into the in-process tier; skipped while invalidations are pending. */
  async #fetch(key: string): Promise<MemoryEntry | undefined> {
    if (!this.#redis || this.#pending.size > 0) return undefined
    const epoch = this.#epoch
    const data = await this.#redis.get(this.#redisKey(key))
    if (data === UNAVAILABLE || data === null) return undefined
    return this.#remember(key, data, epoch)
  }

  /**
   * Decodes an entry read from Redis, and keeps it in the in-process tier unless it may be stale:
   * an invalidation arrived while it was read (`epoch` moved on), or the tier already holds a
   * newer write of the key.
   */
  #remember(
    key: string,
    data: Buffer,
    epoch: number,
  ): MemoryEntry | undefined | Promise<MemoryEntry | undefined> {
    try {
      const decoded = decodeEntry(data)
      if (decoded instanceof Promise) {
        return decoded.then((entry) => this.#admit(key, entry, epoch)).catch(() => undefined)
      }
      return this.#admit(key, decoded, epoch)
    } catch {
      // An entry this version cannot read is a miss; the next write replaces it.
      return undefined
    }
  }

  /**
   * Keeps an entry whose payload this instance can decode. One relying on shapes another
   * instance added since this one last looked waits for a reload of the shared list, which
   * always makes it readable; one of another generation gets one (rate-limited) reload and is a
   * miss if that does not help (its list is gone).
   */
  #admit(
    key: string,
    entry: DecodedEntry,
    epoch: number,
  ): MemoryEntry | undefined | Promise<MemoryEntry | undefined> {
    const readability = this.#codec.readability(entry.payload)
    if (readability === 'readable') return this.#keep(key, entry, epoch)
    return this.#shapes
      .reload(readability === 'behind')
      .then(() => (this.#codec.readable(entry.payload) ? this.#keep(key, entry, epoch) : undefined))
      .catch(() => undefined)
  }

  #keep(key: string, entry: DecodedEntry, epoch: number): MemoryEntry {
    const moved = epoch !== this.#epoch || this.#invalidating > 0
    const local = moved ? undefined : this.#memory.peek(key)
    const transient = moved || (local !== undefined && local.writtenAt > entry.writtenAt)
    return this.#memory.store(key, entry.payload, undefined, entry, undefined, transient)
  }

  #evictLocally(invalidation: Invalidation) {
    this.#epoch++
    if (invalidation.kind === 'keys') for (const key of invalidation.keys) this.#memory.delete(key)
    else if (invalidation.kind === 'pattern') this.#memory.deleteMatching(invalidation.pattern)
    else {
      this.#memory.deleteTagged(invalidation.tags)
      for (const key of invalidation.keys ?? []) this.#memory.delete(key)
    }
  }

  /**
   * Messages may have been lost while the subscription was down. The in-process tier is dropped,
   * but not before this instance's own journal is replayed: until then no value is read from
   * Redis anyway, and the tier still holds this instance's own latest writes.
   */
  #resync() {
    // The first subscription within start-up missed nothing: nothing was read before it.
    if (!this.#started) return
    this.#counters.resyncs++
    this.#epoch++
    if (this.#pending.size > 0) this.#resyncOwed = true
    else this.#memory.clear()
  }

  /** Journals an invalidation Redis or the bus did not take, and retries until it does. */
  #defer(invalidation: Invalidation, before: number, notifyOnly = false) {
    this.#pending.add({ invalidation, before, notifyOnly })
    if (this.#closed) return // close() makes the last attempt itself
    // As often as the breaker would let a probe through, so recovery is not slower than it.
    const interval = Math.min(REPLAY_INTERVAL_MS, this.options.breaker.halfOpenAfter)
    this.#replayTimer ??= setInterval(() => void this.#replay(), interval).unref()
  }

  /** Replays the journal in order; one replay at a time, later callers share it. */
  #replay(): Promise<void> {
    this.#replaying ??= this.#replayJournal().finally(() => (this.#replaying = undefined))
    return this.#replaying
  }

  async #replayJournal() {
    const redis = this.#redis
    if (!redis || this.#pending.size === 0) return
    for (let next = this.#pending.peek(); next; next = this.#pending.peek()) {
      if (!(await this.#apply(redis, next))) return
      this.#pending.shift()
    }
    clearInterval(this.#replayTimer)
    this.#replayTimer = undefined
    if (this.#resyncOwed) {
      this.#resyncOwed = false
      this.#epoch++
      this.#memory.clear()
    }
  }

  /**
   * Applies one journaled invalidation: removes from Redis what was written at or before its
   * time (never a later write, by any instance), then tells the other instances. False when
   * Redis or the bus did not take it; it is tried again later, which is safe to repeat.
   */
  async #apply(redis: RedisTier, entry: JournalEntry): Promise<boolean> {
    const { invalidation, before } = entry
    let sent = invalidation
    if (!entry.notifyOnly) {
      if (invalidation.kind === 'keys') {
        const keys = invalidation.keys.map((key) => this.#redisKey(key))
        if ((await redis.unlinkOlder(keys, before)) === UNAVAILABLE) return false
        for (const key of invalidation.keys) this.#memory.deleteIfOlder(key, before)
      } else if (invalidation.kind === 'pattern') {
        const pattern = escapeGlob(this.#keyPrefix) + invalidation.pattern
        if ((await redis.unlinkMatchingOlder(pattern, before)) === UNAVAILABLE) return false
      } else {
        // Tag sets stay: a later write may have joined them. Members that went are harmless.
        const members = await redis.tagMembers(invalidation.tags.map((tag) => this.#tagKey(tag)))
        if (members === UNAVAILABLE) return false
        if ((await redis.unlinkOlder(members, before)) === UNAVAILABLE) return false
        const keys = members.map((redisKey) => redisKey.slice(this.#keyPrefix.length))
        // In-process copies read from Redis carry no tags: the listed keys say which they are.
        for (const key of keys) this.#memory.deleteIfOlder(key, before)
        sent = { kind: 'tags', tags: invalidation.tags, keys }
      }
    }
    return this.#bus ? this.#bus.send(sent) : true
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
