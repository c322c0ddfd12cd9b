import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import type { CacheStore, DatabaseOptions, PoolProfile } from './types.js'

/** Pool defaults per profile, in one place. */
export const POOL_PROFILES = {
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
} as const satisfies Record<PoolProfile, unknown>

/** Defaults of {@link DatabaseOptions}, in one place. */
export const DEFAULTS = {
  applicationName: 'bi-perf-db',
  profile: 'web',
  cacheTtl: '1m',
  slowQueryMs: 200,
  maxSlowQueries: 100,
  embeddedThread: 'worker',
  embeddedCallTimeout: '60s',
  maxQueryShapes: 500,
  topQueries: 10,
  memoryStoreEntries: 1000,
} as const

/**
 * {@link DatabaseOptions} validated, with every default applied. The object is the database's
 * live settings, shared by the pool, the recorder and `health()`: `configure()` updates the
 * `pool` limits, `cacheTtlMs` and `slowQueryMs` in place.
 */
export interface ResolvedOptions {
  url: string | undefined
  dataDir: string | undefined
  embedded: { thread: 'worker' | 'main'; callTimeoutMs: number }
  searchPath: string | undefined
  applicationName: string
  pool: {
    profile: PoolProfile
    max: number
    min: number
    idleTimeoutMs: number
    connectionTimeoutMs: number
    statementTimeoutMs: number
    maxUses: number
  }
  cache: CacheStore | undefined
  cacheTtlMs: number
  cacheScopes: Map<string, string>
  slowQueryMs: number
  maxSlowQueries: number
  maxQueryShapes: number
  topQueries: number
}

/** Validates options once, at creation, and fills in the defaults. */
export function resolveOptions(options: DatabaseOptions = {}): ResolvedOptions {
  if (options.url !== undefined) checkUrl(options.url)
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new InvalidOptionError('dataDir', options.dataDir, 'only applies to PGlite, not with url')
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || !options.dataDir)) {
    throw new InvalidOptionError('dataDir', options.dataDir, 'must be a non-empty path')
  }
  const embedded = resolveEmbedded(options)
  const searchPath = options.searchPath
  if (searchPath !== undefined && !/^\s*[\w$"]+(\s*,\s*[\w$"]+)*\s*$/.test(searchPath)) {
    throw new InvalidOptionError(
      'searchPath',
      searchPath,
      'must be a comma-separated list of schema names',
    )
  }
  const applicationName = options.applicationName ?? DEFAULTS.applicationName
  if (typeof applicationName !== 'string' || applicationName.length > 63) {
    throw new InvalidOptionError('applicationName', applicationName, 'must be up to 63 characters')
  }
  const pool = options.pool ?? {}
  const profile = pool.profile ?? DEFAULTS.profile
  if (!Object.hasOwn(POOL_PROFILES, profile)) {
    throw new InvalidOptionError(
      'pool.profile',
      profile,
      `must be one of ${Object.keys(POOL_PROFILES).join(', ')}`,
    )
  }
  const base = POOL_PROFILES[profile]
  const max = count('pool.max', pool.max ?? base.max)
  const min = count('pool.min', pool.min ?? base.min, { allowZero: true })
  if (min > max) throw new InvalidOptionError('pool.min', min, `must not exceed pool.max (${max})`)
  const cache = options.cache
  if (
    cache !== undefined &&
    (typeof cache !== 'object' ||
      cache === null ||
      typeof cache.get !== 'function' ||
      typeof cache.set !== 'function' ||
      typeof cache.invalidateTags !== 'function')
  ) {
    throw new InvalidOptionError(
      'cache',
      cache,
      'expected an object with get, set and invalidateTags',
    )
  }
  const slowQueryMs = checkSlowQueryMs(options.slowQueryMs ?? DEFAULTS.slowQueryMs)
  return {
    url: options.url,
    dataDir: options.dataDir,
    embedded,
    searchPath,
    applicationName,
    pool: {
      profile,
      max,
      min,
      idleTimeoutMs: parseDuration('pool.idleTimeout', pool.idleTimeout ?? base.idleTimeout),
      connectionTimeoutMs: parseDuration(
        'pool.connectionTimeout',
        pool.connectionTimeout ?? base.connectionTimeout,
      ),
      statementTimeoutMs: parseDuration(
        'pool.statementTimeout',
        pool.statementTimeout ?? base.statementTimeout,
        { allowZero: true },
      ),
      maxUses: count('pool.maxUses', pool.maxUses ?? base.maxUses, { allowZero: true }),
    },
    cache,
    cacheScopes: scopes(options.cacheScopes),
    cacheTtlMs: parseDuration('cacheTtl', options.cacheTtl ?? DEFAULTS.cacheTtl),
    slowQueryMs,
    maxSlowQueries: count('maxSlowQueries', options.maxSlowQueries ?? DEFAULTS.maxSlowQueries),
    maxQueryShapes: count('maxQueryShapes', options.maxQueryShapes ?? DEFAULTS.maxQueryShapes),
    topQueries: count('topQueries', options.topQueries ?? DEFAULTS.topQueries),
  }
}

function resolveEmbedded(options: DatabaseOptions): ResolvedOptions['embedded'] {
  const embedded = options.embedded
  if (embedded !== undefined && options.url !== undefined) {
    throw new InvalidOptionError('embedded', embedded, 'only applies to PGlite, not with url')
  }
  if (embedded !== undefined && (typeof embedded !== 'object' || embedded === null)) {
    throw new InvalidOptionError('embedded', embedded, 'expected an object { thread, callTimeout }')
  }
  const thread = embedded?.thread ?? DEFAULTS.embeddedThread
  if (thread !== 'worker' && thread !== 'main') {
    throw new InvalidOptionError('embedded.thread', thread, "must be 'worker' or 'main'")
  }
  // Zero is refused (parseDuration's default): a call with no limit could wait forever.
  const callTimeoutMs = parseDuration(
    'embedded.callTimeout',
    embedded?.callTimeout ?? DEFAULTS.embeddedCallTimeout,
  )
  return { thread, callTimeoutMs }
}

/** A URL with its password masked, for error messages. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
}

function checkUrl(url: unknown) {
  if (typeof url !== 'string' || url.length === 0) {
    throw new InvalidOptionError('url', url, 'expected a postgres:// or postgresql:// URL')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new InvalidOptionError(
      'url',
      maskUrl(url),
      'is not a URL; expected postgres://user:password@host:5432/database',
      { cause: error },
    )
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidOptionError(
      'url',
      maskUrl(url),
      `protocol ${parsed.protocol} is not supported; expected postgres:// or postgresql://`,
    )
  }
  if (!parsed.hostname && !parsed.searchParams.has('host')) {
    throw new InvalidOptionError('url', maskUrl(url), 'names no host')
  }
}

function scopes(value: Record<string, string> | undefined): Map<string, string> {
  if (value === undefined) return new Map()
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError('cacheScopes', value, 'expected an object of table: column')
  }
  for (const [table, column] of Object.entries(value)) {
    if (typeof column !== 'string' || column === '') {
      throw new InvalidOptionError(`cacheScopes.${table}`, column, 'must be a column name')
    }
  }
  return new Map(Object.entries(value))
}

/** A finite, non-negative number of milliseconds, or an `InvalidOptionError`. */
export function checkSlowQueryMs(value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new InvalidOptionError(
      'slowQueryMs',
      value,
      'must be a non-negative number of milliseconds',
    )
  }
  return value
}

/** A safe integer, positive (or non-negative with `allowZero`), or an `InvalidOptionError`. */
export function count(option: string, value: number, { allowZero = false } = {}): number {
  if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new InvalidOptionError(
      option,
      value,
      `must be a ${allowZero ? 'non-negative' : 'positive'} integer`,
    )
  }
  return value
}
