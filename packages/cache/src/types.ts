import type { Cluster, Redis } from 'ioredis'
import type { Duration } from './duration.js'

export type { Duration } from './duration.js'

/** Codec used for values stored in Redis above the compression threshold. */
export type CompressionCodec = 'lz4' | 'gzip' | 'none'

/**
 * How the in-process tier hands values to callers.
 * - `frozen`: values are private, deep-frozen copies; a hit returns the same frozen object, so a
 *   caller cannot mutate the cache. Values holding a `Map`, `Set`, `Date` or binary data cannot be
 *   frozen and are decoded afresh on every hit instead.
 * - `copied`: every hit decodes a fresh, mutable copy (the bentocache behaviour).
 * - `shared`: no copies at all; the caller promises not to mutate what it gets or gives.
 */
export type ValueMode = 'frozen' | 'copied' | 'shared'

/** Options of {@link createCache}. Every field is optional. */
export interface CacheOptions {
  /**
   * Redis for the shared tier: a URL (`redis://` or `rediss://`), an ioredis `Redis` or a
   * `Cluster`. The cache opens its own connections (duplicates of a given client, so it controls
   * timeouts and the offline queue) and closes them in `close()`; a client you pass stays yours.
   * @default undefined (in-process tier only)
   */
  redis?: string | Redis | Cluster
  /**
   * Prefix of every Redis key (`<prefix>:<key>`), tag set and the invalidation channel.
   * @default 'bi-perf'
   */
  prefix?: string
  /**
   * Default time to live.
   * @default '1h'
   */
  ttl?: Duration
  /**
   * Spread of TTLs as a fraction from 0 up to but excluding 1, so entries written together (a
   * warm-up, a bulk load) do not expire together and send every reader to the database at once:
   * `0.1` makes each TTL a random value within ±10 %. `0` keeps every TTL exact.
   * @default 0.1
   */
  ttlJitter?: number
  /**
   * Default grace period of `getOrSet`: how long after expiry a stale value may still be served
   * while one refresh runs, or while the loader fails.
   * @default 0
   */
  grace?: Duration
  /** The in-process tier. */
  l1?: {
    /**
     * Turn the in-process tier off (every read goes to Redis).
     * @default true
     */
    enabled?: boolean
    /** @default 10_000 */
    maxEntries?: number
    /**
     * Upper bound of the memory held by all entries, in bytes: the estimated heap footprint of
     * values kept as objects (frozen and shared modes), the payload size of values kept
     * serialized (copied mode, and values that cannot be frozen).
     * @default 64 MiB
     */
    maxBytes?: number
    /** @default 'frozen' */
    values?: ValueMode
  }
  /** Compression of values written to Redis. */
  compression?: {
    /** @default 'lz4' */
    codec?: CompressionCodec
    /**
     * Values whose serialized size is above this many bytes are compressed.
     * @default 1024
     */
    threshold?: number
  }
  /** Per data type defaults, used by `cache.namespace(name)`. */
  namespaces?: Record<string, { ttl?: Duration; grace?: Duration }>
  /**
   * Timeout of every Redis command, in milliseconds or as a duration string.
   * @default 100
   */
  commandTimeout?: Duration
  /**
   * Start-up deadline. Commands issued while the first connection (and the invalidation
   * subscription) is being made wait for it instead of skipping Redis, for at most this long;
   * if Redis is not reachable by then they fall back to the in-process tier exactly as during an
   * outage, and what they change is journaled and replayed when Redis comes. See `ready()`.
   * @default '1s'
   */
  connectTimeout?: Duration
  /** The circuit breaker in front of Redis. */
  breaker?: {
    /**
     * Consecutive failed commands that open the breaker.
     * @default 5
     */
    threshold?: number
    /**
     * How long the breaker stays open before a half-open probe.
     * @default '1s'
     */
    halfOpenAfter?: Duration
  }
  /**
   * Publish writes and invalidations on a Redis channel so other instances evict their
   * in-process copies.
   * @default true
   */
  coherence?: boolean
  /**
   * Longest key accepted, in characters.
   * @default 1024
   */
  maxKeyLength?: number
  /**
   * Bound of the journal: deletes, clears, tag invalidations and writes that Redis did not take
   * (or may not have taken), replayed when it returns. Past this number they collapse into one
   * clear of the whole prefix, so nothing deleted or overwritten can come back.
   * @default 10_000
   */
  maxPendingInvalidations?: number
  /**
   * Read coalescing: `get`s (and `getOrSet` misses) that miss the in-process tier and are issued
   * within one tick, or within `window`, go to Redis as one `MGET` (one per hash slot on a
   * Cluster); a batch of one is a plain `GET`. Each caller still gets its own value, and a
   * corrupt entry is a miss for its key only. A batch is one command for the circuit breaker and
   * the command timeout, so a read waits at most `window` plus `commandTimeout`. `false` sends
   * one `GET` per read.
   * @default { window: 0, maxBatch: 256 }
   */
  coalesce?:
    | false
    | {
        /**
         * How long a batch stays open, at most 1 ms; 0 closes it at the end of the current tick.
         * @default 0
         */
        window?: Duration
        /**
         * A batch holding this many keys goes out at once (1 to 10,000).
         * @default 256
         */
        maxBatch?: number
      }
}

/**
 * Settings `cache.configure()` changes while the cache runs. Every field is optional; an omitted
 * field keeps its current value. The rules are those of {@link CacheOptions}.
 */
export interface CacheReconfiguration {
  /**
   * Default time to live of later writes; entries already stored keep their expiry. Namespaces
   * created with their own `ttl` keep it.
   * @default the current value
   */
  ttl?: Duration
  /**
   * Spread of the TTLs of later writes, a fraction from 0 up to but excluding 1.
   * @default the current value
   */
  ttlJitter?: number
  /**
   * Default grace of later `getOrSet` writes; namespaces created with their own `grace` keep it.
   * @default the current value
   */
  grace?: Duration
  /** Bounds of the in-process tier. */
  l1?: {
    /**
     * Entry bound. Lowering it below the current content evicts least-recently-used entries at
     * once (counted in `stats().l1.evictions`); raising it keeps every entry.
     * @default the current value
     */
    maxEntries?: number
    /**
     * Byte bound, with the same eviction rule as `maxEntries`.
     * @default the current value
     */
    maxBytes?: number
  }
  /** Compression of later writes to Redis; values already stored still decode. */
  compression?: {
    /** @default the current value */
    codec?: CompressionCodec
    /** @default the current value */
    threshold?: number
  }
}

/** The settings in force, as `cache.settings()` and `cache.configure()` report them. */
export interface CacheSettings {
  /** Default time to live, in milliseconds. */
  ttlMs: number
  /** Spread of TTLs as a fraction (`0.1` is ±10 %). */
  ttlJitter: number
  /** Default grace of `getOrSet`, in milliseconds. */
  graceMs: number
  l1: {
    enabled: boolean
    maxEntries: number
    /** Bound on the estimated memory of all entries, in bytes. */
    maxBytes: number
    values: ValueMode
  }
  compression: {
    codec: CompressionCodec
    /** Values whose serialized size is above this many bytes are compressed. */
    threshold: number
  }
  /** Timeout of every Redis command, in milliseconds. */
  commandTimeoutMs: number
}

/** Options of `set` and `mset` entries. */
export interface SetOptions {
  /** Time to live; defaults to the namespace's or the cache's `ttl`. */
  ttl?: Duration
  /** Tags for `invalidateTags`. */
  tags?: readonly string[]
}

/** Options of `getOrSet`. */
export interface GetOrSetOptions extends SetOptions {
  /**
   * Serve the stale value for this long after expiry while one background refresh runs, and keep
   * serving it while the loader fails. `0` turns grace off.
   */
  grace?: Duration
}

/** One entry of `mset`. */
export interface CacheEntryInput<T = unknown> extends SetOptions {
  key: string
  value: T
}

/** Produces a value on a miss. It may return `undefined`, which is returned and not cached. */
export type Loader<T> = () => T | Promise<T>

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  p50: number
  p95: number
  p99: number
  /** Commands measured. */
  count: number
}

/** State of the circuit breaker in front of Redis. */
export type BreakerState = 'closed' | 'open' | 'half-open'

/** Plain, serializable counters. All counts are since creation. */
export interface CacheStats {
  /** Lookups answered by either tier. */
  hits: number
  /** Lookups neither tier could answer. */
  misses: number
  /** `hits / (hits + misses)`, 0 when nothing was looked up. */
  hitRate: number
  /** Stale values served by `getOrSet` within their grace window. */
  staleServed: number
  /** `getOrSet` callers that waited on another caller's loader instead of running their own. */
  coalesced: number
  /** Loader calls, and those that threw. */
  loads: number
  loadErrors: number
  l1: {
    enabled: boolean
    hits: number
    misses: number
    sets: number
    deletes: number
    /** Entries pushed out by the entry or byte bound (not expiry or deletes). */
    evictions: number
    entries: number
    /** Estimated memory held by all entries (see `l1.maxBytes`). */
    bytes: number
    maxEntries: number
    maxBytes: number
  }
  /** `undefined` when the cache has no Redis. */
  l2?: {
    hits: number
    misses: number
    sets: number
    deletes: number
    /** Failed commands, timeouts included. */
    errors: number
    timeouts: number
    /** Calls that skipped Redis because it was disconnected or the breaker was open. */
    skipped: number
    latencyMs: LatencySummary
    /** ioredis connection status, e.g. `ready`, `reconnecting`. */
    connection: string
    breaker: BreakerState
    /** Journaled invalidations waiting to be replayed on Redis; reads skip Redis while any wait. */
    pendingInvalidations: number
    /** Times the in-process tier was dropped because invalidations may have been missed. */
    resyncs: number
    /** Invalidation messages received from other instances. */
    invalidationsReceived: number
    /**
     * Whether messages from other instances are being received now (the subscription is
     * confirmed); always false with `coherence: false`.
     */
    subscribed: boolean
  }
  compression: {
    codec: CompressionCodec
    /** Values stored compressed. */
    compressed: number
    /** Bytes saved by compression in total. */
    bytesSaved: number
  }
}

/**
 * How a cache came out of start-up: `connected` (Redis and the invalidation subscription answer),
 * `fallback` (Redis was not reachable by `connectTimeout`; the in-process tier serves, changes are
 * journaled, and Redis is used as soon as it answers) or `memory` (no Redis configured).
 */
export type CacheReadiness = 'connected' | 'fallback' | 'memory'

/**
 * A cache, or a namespace of one: every method of a namespace works on its own keys and TTLs.
 */
export interface Cache {
  /**
   * Resolves once start-up is over, at the latest after `connectTimeout`. Calls made before
   * need not wait for it: they wait for the connection themselves. Await it where an app must
   * know before it serves, e.g. after warming the cache at boot.
   *
   * @example
   * const cache = createCache({ redis: process.env.REDIS_URL })
   * await cache.mset(warmUpEntries) // waits for the connection, never skips Redis
   * if ((await cache.ready()) === 'fallback') log.warn('Redis unreachable; serving in-process')
   */
  ready(): Promise<CacheReadiness>
  /** The value, or `undefined` on a miss. `null` is a value. */
  get<T = unknown>(key: string): Promise<T | undefined>
  /** Stores a value in both tiers. `undefined` is not a value: use `null` or `delete`. */
  set<T>(key: string, value: T, options?: SetOptions): Promise<void>
  /**
   * The cached value, or the loader's, stored. Concurrent callers of one key share one loader
   * call; with `grace`, a stale value is served while one refresh runs or while the loader fails.
   */
  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<T>
  /** Values in the order of `keys`; `undefined` for each miss. */
  mget<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]>
  mset(entries: readonly CacheEntryInput[]): Promise<void>
  /** Whether an entry was removed from either tier. */
  delete(key: string): Promise<boolean>
  /**
   * Removes every key matching a Redis glob pattern (`*`, `?`, `[a-z]`, `\` escapes) in both
   * tiers, or every key of this cache or namespace without one. Returns how many keys went.
   */
  clear(pattern?: string): Promise<number>
  /** Removes every entry carrying any of the tags, in every tier and instance. */
  invalidateTags(tags: readonly string[]): Promise<number>
  /** A view whose keys live under `<name>:` with the namespace's TTL defaults. */
  namespace(name: string): Cache
  stats(): CacheStats
  /**
   * Changes TTL, jitter, grace, the in-process bounds or compression while the cache runs, and
   * returns the settings now in force. Settings are cache-wide: a namespace changes its root
   * cache. Everything is validated first, with the rules and errors of `createCache`
   * (`InvalidOptionError`, `InvalidDurationError`); a call that throws changes nothing. New TTLs,
   * grace and compression apply to later writes; lowered L1 bounds evict at once.
   *
   * @example
   * const settings = cache.configure({ ttl: '5m', l1: { maxBytes: 32 * 1024 * 1024 } })
   * console.log(settings.l1.maxBytes, cache.stats().l1.evictions)
   */
  configure(changes: CacheReconfiguration): CacheSettings
  /** The settings in force (cache-wide; a namespace reports its root cache's). */
  settings(): CacheSettings
  /**
   * Frees memory now: drops the in-process tier's least recently used entries until it holds at
   * most `keep` (0–1) of the bytes it holds now, and returns how many went (counted in
   * `stats().l1.evictions`). The bounds stay, so the tier fills again. Cache-wide; Redis is not
   * touched. Meant for memory-pressure hooks.
   *
   * @example
   * memory.onPressure('soft', () => cache.shrink(0.5))
   */
  shrink(keep: number): number
  /** Ends timers and connections. Idempotent. */
  close(): Promise<void>
}
