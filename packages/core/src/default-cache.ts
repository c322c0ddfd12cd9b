import { createCache, type Cache } from '@bi-perf/cache'

let shared: Cache | undefined
let views = new Map<string, Cache>()

/**
 * The process-wide in-memory cache that `cached()` and `createCachedFetch()` use when they are
 * given no cache: one `createCache()` without Redis (default bounds: 10 000 entries, 64 MiB, TTL
 * 1 h), created on first use. It starts no timer that keeps the process alive, so it never needs
 * closing; to drop everything in it, call {@link resetDefaultCache}.
 *
 * @example
 * const cache = defaultCache()
 * console.log(cache.stats().l1.entries)
 */
export function defaultCache(): Cache {
  return (shared ??= createCache())
}

/**
 * Closes the default cache and forgets it, so the next use creates a fresh, empty one. Meant for
 * tests and for freeing its memory; functions already wrapped by `cached()` switch to the new
 * cache on their next call.
 *
 * @example
 * afterEach(() => resetDefaultCache())
 */
export async function resetDefaultCache(): Promise<void> {
  const closing = shared
  shared = undefined
  views = new Map()
  await closing?.close()
}

/**
 * A namespace of the default cache, reused across calls so hot paths do not build a view per
 * call. Internal: `cached()` keeps its entries under `fn:`, `createCachedFetch()` under `http:`.
 */
export function defaultCacheNamespace(name: string): Cache {
  let view = views.get(name)
  if (!view) views.set(name, (view = defaultCache().namespace(name)))
  return view
}
