import type { Cache } from '@bi-perf/cache'
import type { MemoryManager } from '@bi-perf/memory'

/**
 * The share of the in-process tier's bytes kept when heap use crosses a limit: the least
 * recently used entries go first, the rest stay warm.
 */
export const KEEP_ON_PRESSURE = { soft: 0.5, hard: 0.1 } as const

/**
 * Frees memory where a data-heavy service holds most of it: on soft pressure the cache's
 * in-process tier drops its least recently used half, on hard pressure all but a tenth. Its
 * bounds stay, so it fills again as the heap allows. Returns a function that unregisters both
 * hooks.
 */
export function trimCacheOnPressure(memory: MemoryManager, cache: Cache): () => void {
  const off = [
    memory.onPressure('soft', () => void cache.shrink(KEEP_ON_PRESSURE.soft)),
    memory.onPressure('hard', () => void cache.shrink(KEEP_ON_PRESSURE.hard)),
  ]
  return () => {
    for (const unregister of off) unregister()
  }
}
