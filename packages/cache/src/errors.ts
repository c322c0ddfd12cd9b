import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/cache throws. Match on `code`, which is stable across
 * versions (or with `hasErrorCode`, which also matches a renamed error's old code); messages may
 * improve.
 */
export class CacheError extends BiPerfError {
  override name = 'CacheError'
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

/**
 * A TTL, grace period or other duration is negative, NaN, infinite or an unparsable string.
 * Code `E_CACHE_INVALID_DURATION`, like the other packages; its code before 0.2.0,
 * `E_CACHE_INVALID_TTL`, is its `legacyCode` and still matches `hasErrorCode` until 0.3.0.
 */
export class InvalidDurationError extends CacheError {
  override name = 'InvalidDurationError'
  /** Which argument or option held the value, e.g. `ttl` or `namespaces.dashboard.ttl`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    super('E_CACHE_INVALID_DURATION', `Invalid ${field} ${describeValue(value)}: ${rule}`, {
      legacyCode: 'E_CACHE_INVALID_TTL',
    })
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

/**
 * An option passed to `createCache` or `configure()` breaks a rule (malformed Redis URL, negative
 * size, unknown name…).
 */
export class InvalidOptionError extends CacheError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `redis` or `l1.maxBytes`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_CACHE_INVALID_OPTION',
      `Invalid option ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }

  /** @deprecated Use `field` (the same path; every package's errors now name it `field`). */
  get option(): string {
    return this.field
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
