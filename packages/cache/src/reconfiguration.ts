import { OPTION_NAMES, RECONFIGURABLE_NAMES } from './option-names.js'
import { read } from './option-reader.js'
import { CODECS, type ResolvedOptions } from './options.js'
import type { CacheReconfiguration, CompressionCodec } from './types.js'

/** A {@link CacheReconfiguration} validated and merged with the current settings. */
export interface ResolvedReconfiguration {
  defaults: { ttl: number; grace: number }
  ttlJitter: number
  l1: { maxEntries: number; maxBytes: number }
  compression: { codec: CompressionCodec; threshold: number }
}

/**
 * Validates every field of a reconfiguration with the rules of `createCache` before anything is
 * applied, so a call that throws changes nothing. Fields that cannot change at run time (`redis`,
 * `prefix`, `l1.values`…) are rejected rather than ignored: a caller should not believe they
 * took effect. A name that is no option at all is rejected as unknown, with the closest one.
 */
export function resolveReconfiguration(
  changes: CacheReconfiguration,
  current: ResolvedOptions,
): ResolvedReconfiguration {
  checkNames('', changes, 'root')
  const l1 = changes.l1 ?? {}
  const compression = changes.compression ?? {}
  checkNames('l1', changes.l1, 'l1')
  checkNames('compression', changes.compression, 'compression')
  return {
    defaults: {
      ttl: changes.ttl === undefined ? current.defaults.ttl : read.duration('ttl', changes.ttl),
      grace:
        changes.grace === undefined
          ? current.defaults.grace
          : read.duration('grace', changes.grace, { allowZero: true }),
    },
    ttlJitter: read.fraction('ttlJitter', changes.ttlJitter ?? current.ttlJitter, {
      allowOne: false,
    }),
    l1: {
      maxEntries: read.count('l1.maxEntries', l1.maxEntries ?? current.l1.maxEntries),
      maxBytes: read.count('l1.maxBytes', l1.maxBytes ?? current.l1.maxBytes),
    },
    compression: {
      codec: read.oneOf(
        'compression.codec',
        compression.codec ?? current.compression.codec,
        CODECS,
      ),
      threshold: read.count(
        'compression.threshold',
        compression.threshold ?? current.compression.threshold,
        { allowZero: true },
      ),
    },
  }
}

/** Unknown names first (with the closest one), then names fixed at creation. */
function checkNames(path: string, value: unknown, level: keyof typeof RECONFIGURABLE_NAMES) {
  read.fields(path, value, OPTION_NAMES[level])
  read.fields(path, value, RECONFIGURABLE_NAMES[level], {
    unknown: 'cannot be changed at run time',
  })
}
