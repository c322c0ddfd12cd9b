import { deepFreeze } from '@bi-perf/internal'

/**
 * The default of every {@link CacheOptions} field, under the same names and nesting, in one place:
 * `createCache` applies them, and `@bi-perf/core` builds its config schema, profiles and example
 * config from them. Frozen: read them, never change them.
 *
 * `ttlJitter` is 0.1: TTLs of entries written together (a warm-up, a bulk load) spread over
 * ±10 %, so they do not all expire in the same instant and send every reader to the database at
 * once.
 *
 * @example
 * import { DEFAULTS } from '@bi-perf/cache'
 * DEFAULTS.l1.maxEntries // 10_000
 */
export const DEFAULTS = deepFreeze({
  prefix: 'bi-perf',
  ttl: '1h',
  ttlJitter: 0.1,
  grace: 0,
  l1: {
    enabled: true,
    maxEntries: 10_000,
    maxBytes: 64 * 1024 * 1024,
    values: 'frozen',
  },
  compression: {
    codec: 'lz4',
    threshold: 1024,
  },
  commandTimeout: 100,
  connectTimeout: '1s',
  breaker: {
    threshold: 5,
    halfOpenAfter: '1s',
  },
  coherence: true,
  maxKeyLength: 1024,
  maxPendingInvalidations: 10_000,
  coalesce: {
    window: 0,
    maxBatch: 256,
  },
} as const)

/** The type of {@link DEFAULTS}. */
export type CacheDefaults = typeof DEFAULTS
