import { LRUCache } from 'lru-cache'
import { compileGlob } from './glob.js'
import type { EntryTimes } from './stored-entry.js'
import type { ValueMode } from './types.js'
import { ENTRY_OVERHEAD_BYTES, KEPT_BUFFER_BYTES, valueFootprint } from './value-footprint.js'

/** An entry of the in-process tier. */
export interface MemoryEntry extends EntryTimes {
  /** The value handed out as is (frozen or shared mode), or `undefined` when copied on read. */
  readonly value: unknown
  /** The serialized value, kept only when every read decodes a copy. */
  readonly payload: Buffer | undefined
  /** Estimated memory held: the heap footprint of a kept value, or the kept payload's length. */
  readonly size: number
  readonly tags: readonly string[] | undefined
  /** After a failed background refresh, no new one starts before this time (epoch ms). */
  refreshAfter: number
}

export interface MemoryTierOptions {
  /** When off, entries are built for the caller but never kept. */
  enabled: boolean
  maxEntries: number
  maxBytes: number
  values: ValueMode
}

/**
 * The in-process tier: an LRU bounded by entries and bytes with a TTL per entry (lru-cache), plus
 * a tag index so tag invalidation works without Redis.
 */
export class MemoryTier {
  readonly counters = { hits: 0, misses: 0, sets: 0, deletes: 0, evictions: 0 }
  #lru: LRUCache<string, MemoryEntry>
  readonly #tagIndex = new Map<string, Set<string>>()
  readonly #mode: ValueMode
  readonly #enabled: boolean
  readonly #decode: (payload: Buffer) => unknown
  #maxBytes: number

  /** @param decode turns a payload (`ValueCodec`) into a fresh value */
  constructor(options: MemoryTierOptions, decode: (payload: Buffer) => unknown) {
    this.#decode = decode
    this.#mode = options.values
    this.#enabled = options.enabled
    this.#maxBytes = options.maxBytes
    this.#lru = this.#createLru(options.maxEntries, options.maxBytes)
  }

  /**
   * Changes the bounds. lru-cache fixes `max` and `maxSize` at construction, so the entries move
   * to a new LRU with the new bounds, least recently used first: when they no longer fit, the
   * least recently used ones go (counted as evictions) and the rest keep their order and their
   * remaining time to live. Synchronous, so no other call sees a half-moved tier.
   */
  resize(maxEntries: number, maxBytes: number) {
    if (maxEntries === this.#lru.max && maxBytes === this.#maxBytes) return
    const previous = this.#lru
    // Expired entries leave through dispose (untagged, not counted as evictions), not the move.
    previous.purgeStale()
    const next = this.#createLru(maxEntries, maxBytes)
    this.#maxBytes = maxBytes
    const now = Date.now()
    for (const key of previous.rkeys()) {
      const entry = previous.peek(key, { allowStale: true })
      if (entry === undefined) continue
      const ttl = Math.ceil(entry.staleUntil - now)
      if (ttl <= 0 || entry.size > maxBytes) {
        // lru-cache would refuse these silently; they leave the tier (and the tag index) here.
        if (entry.tags) this.#untag(key, entry.tags)
        if (ttl > 0) this.counters.evictions++
        continue
      }
      next.set(key, entry, { ttl })
    }
    // The old LRU is dropped without clear(): its dispose would untag the keys that moved.
    this.#lru = next
  }

  /**
   * Drops least recently used entries until the tier holds at most `keep` (0–1) of the bytes it
   * holds now; returns how many went (counted as evictions, untagged by dispose). Expired
   * entries go first and are not counted.
   */
  shrink(keep: number): number {
    this.#lru.purgeStale()
    const target = this.#lru.calculatedSize * keep
    let dropped = 0
    while (this.#lru.size > 0 && this.#lru.calculatedSize > target) {
      this.#lru.pop()
      dropped++
    }
    return dropped
  }

  /** The entry while it may still be served (fresh or within grace), without counting a lookup. */
  peek(key: string): MemoryEntry | undefined {
    return this.#lru.get(key)
  }

  /**
   * Stores a serialized value and returns the entry (a transient one, read by decoding, when the
   * tier is off, the value is larger than the whole tier, or `transient` says it must not be
   * kept). `value` is the caller's original when there is one; it is kept as is only in shared
   * mode, because in the other modes the caller may still mutate it.
   */
  store(
    key: string,
    payload: Buffer,
    value: unknown,
    times: EntryTimes,
    tags?: readonly string[],
    transient = false,
  ): MemoryEntry {
    const keep = !transient && this.#enabled && times.staleUntil > Date.now()
    let kept: unknown
    let keptPayload: Buffer | undefined
    let size = payload.length
    const overhead = ENTRY_OVERHEAD_BYTES + 2 * key.length
    if (this.#mode === 'shared') {
      kept = value === undefined ? this.#decode(payload) : value
      if (keep) size = valueFootprint(kept, false) ?? size
    } else if (this.#mode === 'frozen' && keep) {
      const copy = this.#decode(payload)
      const footprint = valueFootprint(copy, true)
      if (footprint === undefined) keptPayload = keep ? ownCopy(payload) : payload
      else [kept, size] = [copy, footprint]
    } else keptPayload = keep ? ownCopy(payload) : payload
    const entry: MemoryEntry = {
      value: kept,
      payload: keptPayload,
      size: size + overhead + (keptPayload && keep ? KEPT_BUFFER_BYTES : 0),
      freshUntil: times.freshUntil,
      staleUntil: times.staleUntil,
      writtenAt: times.writtenAt,
      tags: tags && tags.length > 0 ? tags : undefined,
      refreshAfter: 0,
    }
    if (!keep || entry.size > this.#maxBytes) return entry
    this.#lru.set(key, entry, { ttl: Math.ceil(times.staleUntil - Date.now()) })
    if (entry.tags) for (const tag of entry.tags) this.#tagged(tag).add(key)
    this.counters.sets++
    return entry
  }

  /** The value of an entry as the caller should see it (a fresh copy when required). */
  read<T>(entry: MemoryEntry): T {
    return (entry.payload ? this.#decode(entry.payload) : entry.value) as T
  }

  delete(key: string): boolean {
    const removed = this.#remove(key) === 1
    if (removed) this.counters.deletes++
    return removed
  }

  /** Deletes an entry unless it was written after `before` (epoch ms). */
  deleteIfOlder(key: string, before: number): boolean {
    const entry = this.#lru.peek(key, { allowStale: true })
    return entry !== undefined && entry.writtenAt <= before && this.delete(key)
  }

  /** Removes every key matching the glob pattern; returns how many live entries went. */
  deleteMatching(pattern: string): number {
    const matches = compileGlob(pattern)
    let removed = 0
    for (const key of [...this.#lru.keys()]) {
      if (matches(key)) removed += this.#remove(key)
    }
    this.counters.deletes += removed
    return removed
  }

  /** Removes every entry carrying any of the tags; returns how many live entries went. */
  deleteTagged(tags: readonly string[]): number {
    let removed = 0
    for (const tag of tags) {
      const keys = this.#tagIndex.get(tag)
      if (!keys) continue
      for (const key of [...keys]) removed += this.#remove(key)
      this.#tagIndex.delete(tag)
    }
    this.counters.deletes += removed
    return removed
  }

  /**
   * Deletes an entry; 1 if it was still servable. Entries past their deadline may linger until
   * lru-cache's own clock purges them, and must not count as removed.
   */
  #remove(key: string): number {
    const entry = this.#lru.peek(key, { allowStale: true })
    return this.#lru.delete(key) && entry !== undefined && entry.staleUntil > Date.now() ? 1 : 0
  }

  /** Drops everything, e.g. after invalidations from other instances may have been missed. */
  clear(): number {
    const size = this.#lru.size
    this.#lru.clear()
    this.#tagIndex.clear()
    return size
  }

  get entries(): number {
    return this.#lru.size
  }

  get bytes(): number {
    return this.#lru.calculatedSize
  }

  #createLru(maxEntries: number, maxBytes: number): LRUCache<string, MemoryEntry> {
    return new LRUCache<string, MemoryEntry>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
      dispose: (entry, key, reason) => {
        if (entry.tags) this.#untag(key, entry.tags)
        if (reason === 'evict') this.counters.evictions++
      },
    })
  }

  #tagged(tag: string): Set<string> {
    let keys = this.#tagIndex.get(tag)
    if (!keys) this.#tagIndex.set(tag, (keys = new Set()))
    return keys
  }

  #untag(key: string, tags: readonly string[]) {
    for (const tag of tags) {
      const keys = this.#tagIndex.get(tag)
      if (!keys) continue
      keys.delete(key)
      if (keys.size === 0) this.#tagIndex.delete(tag)
    }
  }
}

/**
 * A payload in a buffer of its own. Serializers and sockets hand out slices of larger shared
 * buffers; keeping a slice would keep its whole parent alive after the entry's neighbours left.
 */
function ownCopy(payload: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(payload.length)
  payload.copy(copy)
  return copy
}
