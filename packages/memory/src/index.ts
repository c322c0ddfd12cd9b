export { createMemoryManager } from './create-memory-manager.js'
export { parseDuration } from './duration.js'
export {
  DoubleReleaseError,
  ForeignObjectError,
  HookTimeoutError,
  InvalidArgumentError,
  InvalidDurationError,
  InvalidOptionError,
  MemoryError,
  MemoryManagerClosedError,
  PoolCallbackError,
  SnapshotError,
  SnapshotInProgressError,
  errors,
} from './errors.js'
export { hasErrorCode } from '@bi-perf/internal'
export { createPool } from './object-pool.js'
export { DEFAULTS } from './defaults.js'
export type * from './types.js'
