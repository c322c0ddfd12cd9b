import { DEFAULTS, POOL_PROFILES } from './defaults.js'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'
import type {
  CacheStore,
  DatabaseOptions,
  EmbeddedOptions,
  PoolOptions,
  PoolProfile,
} from './types.js'

const PROFILE_NAMES = Object.keys(POOL_PROFILES) as PoolProfile[]

/** Every option name of `createDatabase`: the compiler keeps this list in step with the type. */
export const OPTION_NAMES = Object.keys({
  url: true,
  dataDir: true,
  embedded: true,
  searchPath: true,
  applicationName: true,
  pool: true,
  cache: true,
  cacheScopes: true,
  cacheTtl: true,
  slowQueryMs: true,
  maxSlowQueries: true,
  maxQueryShapes: true,
  topQueries: true,
  plugins: true,
} satisfies Record<keyof DatabaseOptions, true>)

export const POOL_OPTION_NAMES = Object.keys({
  profile: true,
  max: true,
  min: true,
  idleTimeout: true,
  connectionTimeout: true,
  statementTimeout: true,
  maxUses: true,
} satisfies Record<keyof PoolOptions, true>)

const EMBEDDED_OPTION_NAMES = Object.keys({
  thread: true,
  callTimeout: true,
} satisfies Record<keyof EmbeddedOptions, true>)

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

/**
 * Validates options once, at creation, and fills in the defaults. Unknown option names are
 * rejected (naming the closest valid one), so a typo does not silently keep a default.
 */
export function resolveOptions(options: DatabaseOptions = {}): ResolvedOptions {
  read.fields('', options, OPTION_NAMES)
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
  read.fields('pool', options.pool, POOL_OPTION_NAMES)
  const pool = options.pool ?? {}
  const profile = read.oneOf('pool.profile', pool.profile ?? DEFAULTS.pool.profile, PROFILE_NAMES)
  const base = POOL_PROFILES[profile]
  const max = read.count('pool.max', pool.max ?? base.max)
  const min = read.count('pool.min', pool.min ?? base.min, { allowZero: true })
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
  const slowQueryMs = readSlowQueryMs(options.slowQueryMs ?? DEFAULTS.slowQueryMs)
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
      maxUses: read.count('pool.maxUses', pool.maxUses ?? base.maxUses, { allowZero: true }),
    },
    cache,
    cacheScopes: scopes(options.cacheScopes),
    cacheTtlMs: parseDuration('cacheTtl', options.cacheTtl ?? DEFAULTS.cacheTtl),
    slowQueryMs,
    maxSlowQueries: read.count('maxSlowQueries', options.maxSlowQueries ?? DEFAULTS.maxSlowQueries),
    maxQueryShapes: read.count('maxQueryShapes', options.maxQueryShapes ?? DEFAULTS.maxQueryShapes),
    topQueries: read.count('topQueries', options.topQueries ?? DEFAULTS.topQueries),
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
  read.fields('embedded', embedded, EMBEDDED_OPTION_NAMES)
  const thread = read.oneOf('embedded.thread', embedded?.thread ?? DEFAULTS.embedded.thread, [
    'worker',
    'main',
  ] as const)
  // Zero is refused (the reader's default): a call with no limit could wait forever.
  const callTimeoutMs = parseDuration(
    'embedded.callTimeout',
    embedded?.callTimeout ?? DEFAULTS.embedded.callTimeout,
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

/** `slowQueryMs`: a finite, non-negative number of milliseconds (0 records every query). */
export function readSlowQueryMs(value: unknown): number {
  return read.positive('slowQueryMs', value, { allowZero: true })
}
