import { deepFreeze } from '@bi-perf/internal'
import type { MemoryManagerOptions } from './types.js'

// Data only, importing nothing at run time but the freezer: core's config schema loads this file
// (`@bi-perf/memory/defaults`) without loading the package.

/**
 * The default of every {@link MemoryManagerOptions} field that has a fixed one, under the option's
 * name. Frozen; `createMemoryManager`, `configure()` and core's config schema all read it, so a
 * default is stated here only. `heapLimit` is absent: its default is V8's `heap_size_limit` of the
 * running process, not a constant.
 *
 * @example
 * import { DEFAULTS } from '@bi-perf/memory'
 * DEFAULTS.softLimit // 0.7
 */
export const DEFAULTS = deepFreeze({
  /** Heap ratio at which the `soft` hooks run. */
  softLimit: 0.7,
  /** Heap ratio at which the `hard` hooks run and a GC is forced. */
  hardLimit: 0.85,
  /** Least time between two forced GCs. */
  minGcInterval: '30s',
  /** Period of the pressure check. */
  checkInterval: '1s',
  /** How far below a limit heap use must fall before a new crossing counts. */
  hysteresis: 0.05,
  /** Hooks run again after this long while heap use stays above a limit. */
  rearmInterval: '1m',
  /** How long an async hook may run before it is reported as timed out. */
  hookTimeout: '5s',
  /** Watch heap use after major GCs for steady growth. */
  leakDetection: true,
  /** Rising post-major-GC samples in a row that raise `leak-suspected`. */
  leakSamples: 5,
  /** Least growth over those samples for a suspicion: 1 MiB. */
  leakMinGrowth: 1024 * 1024,
} as const satisfies MemoryManagerOptions)
