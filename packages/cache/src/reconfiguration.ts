import { findUnknownField } from '@bi-perf/internal'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { CODECS, count, fraction, type ResolvedOptions } from './options.js'
import type { CacheReconfiguration, CompressionCodec } from './types.js'

/** A {@link CacheReconfiguration} validated and merged with the current settings. */
export interface ResolvedReconfiguration {
  defaults: { ttl: number; grace: number }
  ttlJitter: number
  l1: { maxEntries: number; maxBytes: number }
  compression: { codec: CompressionCodec; threshold: number }
}

const TOP_LEVEL = ['ttl', 'ttlJitter', 'grace', 'l1', 'compression']

/**
 * Validates every field of a reconfiguration with the rules of `createCache` before anything is
 * applied, so a call that throws changes nothing. Fields that cannot change at run time (`redis`,
 * `prefix`, `l1.values`…) are rejected rather than ignored: a caller should not believe they
 * took effect.
 */
export function resolveReconfiguration(
  changes: CacheReconfiguration,
  current: ResolvedOptions,
): ResolvedReconfiguration {
  checkFields('', changes, TOP_LEVEL)
  const l1 = changes.l1 ?? {}
  const compression = changes.compression ?? {}
  checkFields('l1.', l1, ['maxEntries', 'maxBytes'])
  checkFields('compression.', compression, ['codec', 'threshold'])
  const codec = compression.codec ?? current.compression.codec
  if (!CODECS.includes(codec)) {
    throw new InvalidOptionError('compression.codec', codec, `must be one of ${CODECS.join(', ')}`)
  }
  return {
    defaults: {
      ttl: changes.ttl === undefined ? current.defaults.ttl : parseDuration('ttl', changes.ttl),
      grace:
        changes.grace === undefined
          ? current.defaults.grace
          : parseDuration('grace', changes.grace, { allowZero: true }),
    },
    ttlJitter: fraction('ttlJitter', changes.ttlJitter ?? current.ttlJitter),
    l1: {
      maxEntries: count('l1.maxEntries', l1.maxEntries ?? current.l1.maxEntries),
      maxBytes: count('l1.maxBytes', l1.maxBytes ?? current.l1.maxBytes),
    },
    compression: {
      codec,
      threshold: count(
        'compression.threshold',
        compression.threshold ?? current.compression.threshold,
        { allowZero: true },
      ),
    },
  }
}

function checkFields(path: string, value: unknown, allowed: readonly string[]) {
  const reading = findUnknownField(value, allowed)
  if (reading.ok) return
  if (reading.notObject) {
    throw new InvalidOptionError(path.slice(0, -1) || 'changes', value, 'must be an object')
  }
  throw new InvalidOptionError(
    path + reading.key,
    reading.value,
    `cannot be changed at run time; configure() accepts ${allowed.map((name) => path + name).join(', ')}`,
  )
}
