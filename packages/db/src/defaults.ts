import { deepFreeze } from '@bi-perf/internal'
import type { DatabaseOptions, PoolProfile } from './types.js'

// Data only, importing nothing at run time but the freezer: core's config schema loads this file
// (`@bi-perf/db/defaults`) without loading Kysely and pg.

/**
 * The pool settings each {@link PoolProfile} starts from; fields a caller sets override them.
 * Deep-frozen.
 */
export const POOL_PROFILES = deepFreeze({
  web: {
    max: 10,
    min: 0,
    idleTimeout: '10s',
    connectionTimeout: '5s',
    statementTimeout: '30s',
    maxUses: 7500,
  },
  analytics: {
    max: 4,
    min: 0,
    idleTimeout: '60s',
    connectionTimeout: '30s',
    statementTimeout: '10m',
    maxUses: 0,
  },
  serverless: {
    max: 2,
    min: 0,
    idleTimeout: '1s',
    connectionTimeout: '5s',
    statementTimeout: '10s',
    maxUses: 7500,
  },
} as const satisfies Record<PoolProfile, unknown>)

const DEFAULT_PROFILE = 'web' satisfies PoolProfile

/**
 * The default of every {@link DatabaseOptions} field that has one, under the option's name and
 * nested like the options (`DEFAULTS.pool.max`). Deep-frozen; `createDatabase` and core's config
 * schema both read it, so a default is stated here only. Options without a default value (`url`,
 * `dataDir`, `searchPath`, `cache`) are absent: leaving them out has a meaning (embedded PGlite,
 * in memory, the server's search path, an in-process store of 1,000 results).
 *
 * @example
 * import { DEFAULTS } from '@bi-perf/db'
 * DEFAULTS.pool.max // 10 (the `web` profile)
 */
export const DEFAULTS = deepFreeze({
  /** `application_name` of every connection. */
  applicationName: 'bi-perf-db',
  /** The pool settings of the default profile, `web`; other profiles start from their own. */
  pool: { profile: DEFAULT_PROFILE, ...POOL_PROFILES[DEFAULT_PROFILE] },
  /** Where the embedded PGlite runs, and how long one statement may take there. */
  embedded: { thread: 'worker', callTimeout: '60s' },
  /** No narrower invalidation scopes: writes invalidate whole tables. */
  cacheScopes: {},
  /** Default time to live of `db.cached()` results. */
  cacheTtl: '1m',
  /** Queries slower than this many milliseconds are kept as slow. */
  slowQueryMs: 200,
  /** Slow queries kept. */
  maxSlowQueries: 100,
  /** Distinct query shapes tracked. */
  maxQueryShapes: 500,
  /** Length of `stats().queries.top`. */
  topQueries: 10,
  /** No Kysely plugins. */
  plugins: [],
} as const satisfies DatabaseOptions)
