import { MemoryManagerImpl } from './memory-manager.js'
import type { MemoryManager, MemoryManagerOptions } from './types.js'

/**
 * Creates a memory manager: it tracks the V8 heap and GCs, checks heap use against `softLimit`
 * and `hardLimit` every `checkInterval` (at most 1 s) and after every GC, runs your cleanup
 * hooks when a limit is crossed, forces a rate-limited GC on hard pressure (with
 * `--expose-gc`), and raises `leak-suspected` when heap use after major GCs keeps rising.
 * Options are validated here, once; a bad one throws an `InvalidOptionError` naming it. The
 * timer is `unref`'d; `close()` ends it and the GC observer.
 *
 * @example
 * const memory = createMemoryManager({ softLimit: 0.7, hardLimit: 0.85, minGcInterval: '30s' })
 * memory.onPressure('soft', () => cache.shrink())
 * memory.on('pressure', (event) => log.warn(event, 'memory pressure'))
 * memory.on('leak-suspected', (event) => log.error(event, 'heap keeps growing'))
 * const rows = memory.createPool({ create: () => new Array(1024), reset: (a) => a.fill(undefined) })
 * console.log(memory.stats().heap.ratio)
 * memory.close()
 */
export function createMemoryManager(options?: MemoryManagerOptions): MemoryManager {
  return new MemoryManagerImpl(options)
}
