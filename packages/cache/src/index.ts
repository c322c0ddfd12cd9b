export { createCache } from './create-cache.js'
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
export type * from './types.js'
