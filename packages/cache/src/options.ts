import { DEFAULTS } from './defaults.js'
import { InvalidOptionError } from './errors.js'
import { OPTION_NAMES } from './option-names.js'
import { read } from './option-reader.js'
import type { CoalesceSettings } from './read-coalescer.js'
import type { RedisClient } from './redis-connection.js'
import type { CacheOptions, CompressionCodec, ValueMode } from './types.js'

/** Longest `coalesce.window`: a read should not wait longer than a round trip to batch. */
export const MAX_COALESCE_WINDOW_MS = 1
/** Largest `coalesce.maxBatch`: bigger `MGET`s hold Redis (single-threaded) for too long. */
export const MAX_COALESCE_BATCH = 10_000

/** Per-namespace defaults after parsing. */
export interface NamespaceDefaults {
  ttl: number
  grace: number
}

/**
 * What a namespace sets itself; an absent field follows the cache-wide default, so a later
 * `configure({ ttl })` reaches namespaces that never set their own.
 */
export type NamespaceOverrides = Partial<NamespaceDefaults>

/**
 * {@link CacheOptions} validated, with every default applied. The object is the cache's live
 * settings: `configure()` updates `defaults`, `ttlJitter`, `l1` bounds and `compression` in place.
 */
export interface ResolvedOptions {
  redis: string | RedisClient | undefined
  prefix: string
  defaults: NamespaceDefaults
  ttlJitter: number
  namespaces: Map<string, NamespaceOverrides>
  l1: { enabled: boolean; maxEntries: number; maxBytes: number; values: ValueMode }
  compression: { codec: CompressionCodec; threshold: number }
  commandTimeout: number
  connectTimeout: number
  breaker: { threshold: number; halfOpenAfter: number }
  coherence: boolean
  maxKeyLength: number
  maxPendingInvalidations: number
  /** Read coalescing, or `false` when every read is its own `GET`. */
  coalesce: CoalesceSettings | false
}

/** The codecs `compression.codec` accepts. */
export const CODECS: readonly CompressionCodec[] = ['lz4', 'gzip', 'none']
const VALUE_MODES: readonly ValueMode[] = ['frozen', 'copied', 'shared']

/** Validates options once, at creation, and fills in the defaults. */
export function resolveOptions(options: CacheOptions = {}): ResolvedOptions {
  read.fields('', options, OPTION_NAMES.root)
  read.fields('l1', options.l1, OPTION_NAMES.l1)
  read.fields('compression', options.compression, OPTION_NAMES.compression)
  read.fields('breaker', options.breaker, OPTION_NAMES.breaker)
  const prefix = options.prefix ?? DEFAULTS.prefix
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 128) {
    throw new InvalidOptionError('prefix', prefix, 'must be a string of 1 to 128 characters')
  }
  if (options.redis !== undefined && typeof options.redis !== 'string') {
    if (
      typeof options.redis !== 'object' ||
      options.redis === null ||
      !('status' in options.redis)
    ) {
      throw new InvalidOptionError(
        'redis',
        options.redis,
        'expected a URL, an ioredis Redis or Cluster',
      )
    }
  }
  const defaults = {
    ttl: read.duration('ttl', options.ttl ?? DEFAULTS.ttl),
    grace: read.duration('grace', options.grace ?? DEFAULTS.grace, { allowZero: true }),
  }
  const namespaces = new Map<string, NamespaceOverrides>()
  for (const [name, settings] of Object.entries(options.namespaces ?? {})) {
    read.fields(`namespaces.${name}`, settings, OPTION_NAMES.namespace)
    const overrides: NamespaceOverrides = {}
    if (settings.ttl !== undefined) {
      overrides.ttl = read.duration(`namespaces.${name}.ttl`, settings.ttl)
    }
    if (settings.grace !== undefined) {
      overrides.grace = read.duration(`namespaces.${name}.grace`, settings.grace, {
        allowZero: true,
      })
    }
    namespaces.set(name, overrides)
  }
  const l1 = options.l1 ?? {}
  const compression = options.compression ?? {}
  const breaker = options.breaker ?? {}
  return {
    redis: options.redis,
    prefix,
    defaults,
    ttlJitter: read.fraction('ttlJitter', options.ttlJitter ?? DEFAULTS.ttlJitter, {
      allowOne: false,
    }),
    namespaces,
    l1: {
      enabled: l1.enabled ?? DEFAULTS.l1.enabled,
      maxEntries: read.count('l1.maxEntries', l1.maxEntries ?? DEFAULTS.l1.maxEntries),
      maxBytes: read.count('l1.maxBytes', l1.maxBytes ?? DEFAULTS.l1.maxBytes),
      values: read.oneOf('l1.values', l1.values ?? DEFAULTS.l1.values, VALUE_MODES),
    },
    compression: {
      codec: read.oneOf(
        'compression.codec',
        compression.codec ?? DEFAULTS.compression.codec,
        CODECS,
      ),
      threshold: read.count(
        'compression.threshold',
        compression.threshold ?? DEFAULTS.compression.threshold,
        { allowZero: true },
      ),
    },
    commandTimeout: read.duration(
      'commandTimeout',
      options.commandTimeout ?? DEFAULTS.commandTimeout,
    ),
    connectTimeout: read.duration(
      'connectTimeout',
      options.connectTimeout ?? DEFAULTS.connectTimeout,
    ),
    breaker: {
      threshold: read.count('breaker.threshold', breaker.threshold ?? DEFAULTS.breaker.threshold),
      halfOpenAfter: read.duration(
        'breaker.halfOpenAfter',
        breaker.halfOpenAfter ?? DEFAULTS.breaker.halfOpenAfter,
      ),
    },
    coherence: options.coherence ?? DEFAULTS.coherence,
    maxKeyLength: read.count('maxKeyLength', options.maxKeyLength ?? DEFAULTS.maxKeyLength),
    maxPendingInvalidations: read.count(
      'maxPendingInvalidations',
      options.maxPendingInvalidations ?? DEFAULTS.maxPendingInvalidations,
    ),
    coalesce: resolveCoalesce(options.coalesce),
  }
}

function resolveCoalesce(coalesce: CacheOptions['coalesce']): CoalesceSettings | false {
  if (coalesce === false) return false
  if (coalesce !== undefined && (typeof coalesce !== 'object' || coalesce === null)) {
    throw new InvalidOptionError(
      'coalesce',
      coalesce,
      'must be false or an object { window, maxBatch }',
    )
  }
  read.fields('coalesce', coalesce, OPTION_NAMES.coalesce)
  const window = read.duration('coalesce.window', coalesce?.window ?? DEFAULTS.coalesce.window, {
    allowZero: true,
  })
  if (window > MAX_COALESCE_WINDOW_MS) {
    // An option error, not a duration error: the value is a valid duration, just too long.
    throw new InvalidOptionError(
      'coalesce.window',
      coalesce?.window,
      `must be at most ${MAX_COALESCE_WINDOW_MS}ms (0 batches the reads of one tick)`,
    )
  }
  const maxBatch = read.count(
    'coalesce.maxBatch',
    coalesce?.maxBatch ?? DEFAULTS.coalesce.maxBatch,
    { max: MAX_COALESCE_BATCH },
  )
  return { window, maxBatch }
}
