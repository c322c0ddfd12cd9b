export { createDatabase } from './create-database.js'
export { parseDuration } from './duration.js'
export {
  ConnectionError,
  DatabaseClosedError,
  DbError,
  EmbeddedTimeoutError,
  InvalidArgumentError,
  InvalidDurationError,
  InvalidOptionError,
  MismatchedColumnsError,
  MissingPeerError,
  NotCacheableError,
  PoolTimeoutError,
  QueryCancelledError,
  QueryError,
  UnknownTableError,
  errors,
} from './errors.js'
export { hasErrorCode } from '@bi-perf/internal'
export { createMemoryStore } from './memory-store.js'
export type { MemoryStore, MemoryStoreOptions } from './memory-store.js'
export { DEFAULTS } from './defaults.js'
export { tableTag } from './query-tables.js'
export type * from './types.js'
