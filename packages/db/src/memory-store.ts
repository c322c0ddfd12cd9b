import { parseDuration } from './duration.js'
import { read } from './option-reader.js'
import type { CacheStore } from './types.js'

interface Entry {
  value: unknown
  expiresAt: number
  tags: readonly string[]
}

const DEFAULT_MAX_ENTRIES = 1000

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most results kept; the least recently used go first.
   * @default 1000
   */
  maxEntries?: number
}

/** The in-process {@link CacheStore} with its entry count, for tests and stats. */
export interface MemoryStore extends CacheStore {
  readonly size: number
}

/**
 * A small in-process {@link CacheStore}: LRU by entries, lazy TTL expiry (no timers), tags. The
 * default store of `createDatabase`; use `@bi-perf/cache` for byte bounds, Redis and coherence
 * between instances.
 *
 * @example
 * const db = createDatabase({ url, cache: createMemoryStore({ maxEntries: 5000 }) })
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  read.fields('', options, ['maxEntries'])
  const maxEntries = read.count('maxEntries', options.maxEntries ?? DEFAULT_MAX_ENTRIES)
  const entries = new Map<string, Entry>()
  const byTag = new Map<string, Set<string>>()

  const remove = (key: string) => {
    const entry = entries.get(key)
    if (entry === undefined) return
    entries.delete(key)
    for (const tag of entry.tags) {
      const keys = byTag.get(tag)
      keys?.delete(key)
      if (keys?.size === 0) byTag.delete(tag)
    }
  }

  return {
    get size() {
      return entries.size
    },
    get(key) {
      const entry = entries.get(key)
      if (entry === undefined) return Promise.resolve(undefined)
      if (entry.expiresAt <= Date.now()) {
        remove(key)
        return Promise.resolve(undefined)
      }
      // Re-inserting moves the key to the end of the Map's order: least recently used is first.
      entries.delete(key)
      entries.set(key, entry)
      return Promise.resolve(entry.value)
    },
    set(key, value, setOptions = {}) {
      const ttl = parseDuration('ttl', setOptions.ttl ?? '1m')
      remove(key)
      const tags = [...(setOptions.tags ?? [])]
      entries.set(key, { value, expiresAt: Date.now() + ttl, tags })
      for (const tag of tags) {
        let keys = byTag.get(tag)
        if (keys === undefined) byTag.set(tag, (keys = new Set()))
        keys.add(key)
      }
      while (entries.size > maxEntries) remove(entries.keys().next().value!)
      return Promise.resolve()
    },
    invalidateTags(tags) {
      let removed = 0
      for (const tag of tags) {
        for (const key of [...(byTag.get(tag) ?? [])]) {
          remove(key)
          removed++
        }
      }
      return Promise.resolve(removed)
    },
  }
}
