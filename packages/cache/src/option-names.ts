import type { CacheOptions, CacheReconfiguration } from './types.js'

type Group<T> = Exclude<T, false | undefined>

/**
 * Every key of `T`, typed as a record so the compiler fails here when an option is added to the
 * interface and not to the list (an unlisted option would be rejected as unknown).
 */
function keysOf<T>(keys: Record<keyof T, true>): readonly string[] {
  return Object.keys(keys)
}

/** The names `createCache` accepts, per level of {@link CacheOptions}. */
export const OPTION_NAMES = {
  root: keysOf<CacheOptions>({
    redis: true,
    prefix: true,
    ttl: true,
    ttlJitter: true,
    grace: true,
    l1: true,
    compression: true,
    namespaces: true,
    commandTimeout: true,
    connectTimeout: true,
    breaker: true,
    coherence: true,
    maxKeyLength: true,
    maxPendingInvalidations: true,
    coalesce: true,
  }),
  l1: keysOf<Group<CacheOptions['l1']>>({
    enabled: true,
    maxEntries: true,
    maxBytes: true,
    values: true,
  }),
  compression: keysOf<Group<CacheOptions['compression']>>({ codec: true, threshold: true }),
  breaker: keysOf<Group<CacheOptions['breaker']>>({ threshold: true, halfOpenAfter: true }),
  coalesce: keysOf<Group<CacheOptions['coalesce']>>({ window: true, maxBatch: true }),
  namespace: keysOf<Group<NonNullable<CacheOptions['namespaces']>[string]>>({
    ttl: true,
    grace: true,
  }),
} as const

/** The names `configure()` accepts, per level of {@link CacheReconfiguration}. */
export const RECONFIGURABLE_NAMES = {
  root: keysOf<CacheReconfiguration>({
    ttl: true,
    ttlJitter: true,
    grace: true,
    l1: true,
    compression: true,
  }),
  l1: keysOf<Group<CacheReconfiguration['l1']>>({ maxEntries: true, maxBytes: true }),
  compression: keysOf<Group<CacheReconfiguration['compression']>>({
    codec: true,
    threshold: true,
  }),
} as const
