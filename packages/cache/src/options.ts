import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import type { CoalesceSettings } from './read-coalescer.js'
import type { RedisClient } from './redis-connection.js'
import type { CacheOptions, CompressionCodec, ValueMode } from './types.js'

/** Defaults of {@link CacheOptions}, in one place. */
export const DEFAULTS = {
  prefix: 'bi-perf',
  ttl: '1h',
  ttlJitter: 0,
  grace: 0,
  maxEntries: 10_000,
  maxBytes: 64 * 1024 * 1024,
  values: 'frozen',
  codec: 'lz4',
  compressionThreshold: 1024,
  commandTimeout: 100,
  connectTimeout: '1s',
  breakerThreshold: 5,
  halfOpenAfter: '1s',
  maxKeyLength: 1024,
  maxPendingInvalidations: 10_000,
  coalesceWindow: 0,
  coalesceMaxBatch: 256,
} as const

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
    ttl: parseDuration('ttl', options.ttl ?? DEFAULTS.ttl),
    grace: parseDuration('grace', options.grace ?? DEFAULTS.grace, { allowZero: true }),
  }
  const namespaces = new Map<string, NamespaceOverrides>()
  for (const [name, settings] of Object.entries(options.namespaces ?? {})) {
    const overrides: NamespaceOverrides = {}
    if (settings.ttl !== undefined) {
      overrides.ttl = parseDuration(`namespaces.${name}.ttl`, settings.ttl)
    }
    if (settings.grace !== undefined) {
      overrides.grace = parseDuration(`namespaces.${name}.grace`, settings.grace, {
        allowZero: true,
      })
    }
    namespaces.set(name, overrides)
  }
  const codec = options.compression?.codec ?? DEFAULTS.codec
  if (!CODECS.includes(codec)) {
    throw new InvalidOptionError('compression.codec', codec, `must be one of ${CODECS.join(', ')}`)
  }
  const values = options.l1?.values ?? DEFAULTS.values
  if (!VALUE_MODES.includes(values)) {
    throw new InvalidOptionError('l1.values', values, `must be one of ${VALUE_MODES.join(', ')}`)
  }
  return {
    redis: options.redis,
    prefix,
    defaults,
    ttlJitter: fraction('ttlJitter', options.ttlJitter ?? DEFAULTS.ttlJitter),
    namespaces,
    l1: {
      enabled: options.l1?.enabled ?? true,
      maxEntries: count('l1.maxEntries', options.l1?.maxEntries ?? DEFAULTS.maxEntries),
      maxBytes: count('l1.maxBytes', options.l1?.maxBytes ?? DEFAULTS.maxBytes),
      values,
    },
    compression: {
      codec,
      threshold: count(
        'compression.threshold',
        options.compression?.threshold ?? DEFAULTS.compressionThreshold,
        { allowZero: true },
      ),
    },
    commandTimeout: parseDuration(
      'commandTimeout',
      options.commandTimeout ?? DEFAULTS.commandTimeout,
    ),
    connectTimeout: parseDuration(
      'connectTimeout',
      options.connectTimeout ?? DEFAULTS.connectTimeout,
    ),
    breaker: {
      threshold: count(
        'breaker.threshold',
        options.breaker?.threshold ?? DEFAULTS.breakerThreshold,
      ),
      halfOpenAfter: parseDuration(
        'breaker.halfOpenAfter',
        options.breaker?.halfOpenAfter ?? DEFAULTS.halfOpenAfter,
      ),
    },
    coherence: options.coherence ?? true,
    maxKeyLength: count('maxKeyLength', options.maxKeyLength ?? DEFAULTS.maxKeyLength),
    maxPendingInvalidations: count(
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
  const window = parseDuration('coalesce.window', coalesce?.window ?? DEFAULTS.coalesceWindow, {
    allowZero: true,
  })
  if (window > MAX_COALESCE_WINDOW_MS) {
    throw new InvalidOptionError(
      'coalesce.window',
      coalesce?.window,
      `must be at most ${MAX_COALESCE_WINDOW_MS}ms (0 batches the reads of one tick)`,
    )
  }
  const maxBatch = count('coalesce.maxBatch', coalesce?.maxBatch ?? DEFAULTS.coalesceMaxBatch)
  if (maxBatch > MAX_COALESCE_BATCH) {
    throw new InvalidOptionError(
      'coalesce.maxBatch',
      maxBatch,
      `must be an integer from 1 to ${MAX_COALESCE_BATCH}`,
    )
  }
  return { window, maxBatch }
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

/** A number in [0, 1), or an `InvalidOptionError`. */
export function fraction(option: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new InvalidOptionError(
      option,
      value,
      'must be a fraction from 0 (none) up to but excluding 1',
    )
  }
  return value
}
