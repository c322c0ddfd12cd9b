export { createCache } from './create-cache.js'
export { DEFAULTS } from './defaults.js'
export type { CacheDefaults } from './defaults.js'
export { parseDuration } from './duration.js'
export {
  CacheClosedError,
  CacheError,
  CorruptEntryError,
  InvalidDurationError,
  InvalidKeyError,
  InvalidOptionError,
  UnserializableValueError,
  errors,
} from './errors.js'
export { hasErrorCode } from '@bi-perf/internal'
export type * from './types.js'
