export { createMemoryManager } from './create-memory-manager.js'
export { parseDuration } from './duration.js'
export {
  DoubleReleaseError,
  ForeignObjectError,
  HookTimeoutError,
  InvalidArgumentError,
  InvalidOptionError,
  MemoryError,
  MemoryManagerClosedError,
  PoolCallbackError,
  SnapshotError,
  SnapshotInProgressError,
  errors,
} from './errors.js'
export { createPool } from './object-pool.js'
export type * from './types.js'
