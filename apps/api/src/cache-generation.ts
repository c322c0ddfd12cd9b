import type { Optimizer } from '@bi-perf/core'

/**
 * A number that moves whenever an entry of the optimizer's cache may have changed in this
 * process: a value stored, deleted, evicted or invalidated by tag or pattern, in either tier, or
 * an invalidation received from another instance. Reads (hits and misses) leave it alone, so a
 * body built only from cache hits stays valid until it moves. `-1` without a cache.
 *
 * Conservative: any write to the cache moves it, even one unrelated to a given body; that only
 * costs a rebuild. Entries expiring unread do not move it: callers bound a body's age as well.
 *
 * @example
 * const before = cacheGeneration(optimizer)
 * const body = await build()
 * const reusable = cacheGeneration(optimizer) === before
 */
export function cacheGeneration(optimizer: Optimizer): number {
  const cache = optimizer.cache
  if (!cache) return -1
  const { l1, l2 } = cache.stats()
  let generation = l1.sets + l1.deletes + l1.evictions
  if (l2) generation += l2.sets + l2.deletes + l2.invalidationsReceived + l2.resyncs
  return generation
}
