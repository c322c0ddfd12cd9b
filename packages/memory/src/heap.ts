import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8'
import type { HeapFigures, HeapSpaceStats, MemoryStats } from './types.js'

/**
 * The figures a pressure check needs, from one `v8.getHeapStatistics()` call (about half a
 * microsecond here), so checking after every GC stays cheap.
 */
export function readHeap(heapLimit: number | null): HeapFigures {
  const heap = getHeapStatistics()
  const limit = heapLimit ?? heap.heap_size_limit
  return {
    used: heap.used_heap_size,
    total: heap.total_heap_size,
    limit,
    ratio: heap.used_heap_size / limit,
    external: heap.external_memory,
  }
}

/** Everything `stats()` reports about the heap, read now. */
export function readHeapDetails(heapLimit: number | null): MemoryStats['heap'] {
  const heap = getHeapStatistics()
  const usage = process.memoryUsage()
  const limit = heapLimit ?? heap.heap_size_limit
  return {
    used: heap.used_heap_size,
    total: heap.total_heap_size,
    limit,
    ratio: heap.used_heap_size / limit,
    external: heap.external_memory,
    v8Limit: heap.heap_size_limit,
    available: heap.total_available_size,
    malloced: heap.malloced_memory,
    rss: usage.rss,
    arrayBuffers: usage.arrayBuffers,
    nativeContexts: heap.number_of_native_contexts,
    detachedContexts: heap.number_of_detached_contexts,
  }
}

/** `v8.getHeapSpaceStatistics()` with short field names. */
export function readHeapSpaces(): HeapSpaceStats[] {
  return getHeapSpaceStatistics().map((space) => ({
    name: space.space_name,
    size: space.space_size,
    used: space.space_used_size,
    available: space.space_available_size,
    physical: space.physical_space_size,
  }))
}
