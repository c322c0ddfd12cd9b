import { describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/cache throws. Match on `code`, which is stable across
 * versions; messages may improve.
 */
export class CacheError extends Error {
  override name = 'CacheError'
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** A key is not a string, is empty or is longer than `maxKeyLength`. */
export class InvalidKeyError extends CacheError {
  override name = 'InvalidKeyError'
  /** The offending key, cut to 100 characters. */
  readonly key: unknown

  constructor(key: unknown, rule: string) {
    super('E_CACHE_INVALID_KEY', `Invalid cache key ${describeValue(key)}: ${rule}`)
    this.key = typeof key === 'string' && key.length > 100 ? `${key.slice(0, 100)}…` : key
  }
}

/** A TTL, grace period or other duration is negative, NaN, infinite or an unparsable string. */
export class InvalidDurationError extends CacheError {
  override name = 'InvalidDurationError'
  /** Which argument or option held the value, e.g. `ttl` or `namespaces.dashboard.ttl`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    super('E_CACHE_INVALID_TTL', `Invalid ${field} ${describeValue(value)}: ${rule}`)
    this.field = field
  }
}

/** A value cannot be stored: it is `undefined`, or holds a function, a symbol or a cycle. */
export class UnserializableValueError extends CacheError {
  override name = 'UnserializableValueError'
  /** The key the value was meant for. */
  readonly key: string

  constructor(key: string, rule: string, options?: ErrorOptions) {
    super('E_CACHE_UNSERIALIZABLE', `Cannot cache the value for key "${key}": ${rule}`, options)
    this.key = key
  }
}

/** An option passed to `createCache` breaks a rule (malformed Redis URL, negative size…). */
export class InvalidOptionError extends CacheError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `redis` or `l1.maxBytes`. */
  readonly option: string

  constructor(option: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_CACHE_INVALID_OPTION',
      `Invalid option ${option} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.option = option
  }
}

/** The cache was used after `close()`. */
export class CacheClosedError extends CacheError {
  override name = 'CacheClosedError'

  constructor() {
    super('E_CACHE_CLOSED', 'The cache is closed; create a new one with createCache()')
  }
}

/** A stored entry could not be decoded (written by an incompatible version, or corrupted). */
export class CorruptEntryError extends CacheError {
  override name = 'CorruptEntryError'

  constructor(rule: string, options?: ErrorOptions) {
    super('E_CACHE_CORRUPT_ENTRY', `Cannot decode a stored cache entry: ${rule}`, options)
  }
}

/** Every error class of the package, by name, for `instanceof` checks without deep imports. */
export const errors = {
  CacheError,
  InvalidKeyError,
  InvalidDurationError,
  UnserializableValueError,
  InvalidOptionError,
  CacheClosedError,
  CorruptEntryError,
} as const
