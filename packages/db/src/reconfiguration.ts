import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'
import {
  OPTION_NAMES,
  POOL_OPTION_NAMES,
  readSlowQueryMs,
  type ResolvedOptions,
} from './options.js'
import type { DatabaseReconfiguration } from './types.js'

/** A {@link DatabaseReconfiguration} validated and merged with the current settings. */
export interface ResolvedReconfiguration {
  pool: { max: number; min: number; idleTimeoutMs: number; connectionTimeoutMs: number }
  cacheTtlMs: number
  slowQueryMs: number
}

const CHANGEABLE = Object.keys({
  pool: true,
  cacheTtl: true,
  slowQueryMs: true,
} satisfies Record<keyof DatabaseReconfiguration, true>)

const CHANGEABLE_POOL = Object.keys({
  max: true,
  min: true,
  idleTimeout: true,
  connectionTimeout: true,
} satisfies Record<keyof NonNullable<DatabaseReconfiguration['pool']>, true>)

const FIXED = { unknown: 'cannot be changed at run time' }

/**
 * Validates every field of a reconfiguration with the rules of `createDatabase` before anything
 * is applied, so a call that throws changes nothing. Fields that cannot change at run time
 * (`url`, `pool.statementTimeout`…) are rejected rather than ignored: a caller should not
 * believe they took effect.
 */
export function resolveReconfiguration(
  changes: DatabaseReconfiguration,
  current: ResolvedOptions,
): ResolvedReconfiguration {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw new InvalidOptionError('changes', changes, 'must be an object')
  }
  // A name no option has is a typo, told apart from an option fixed at creation.
  read.fields('', changes, OPTION_NAMES)
  read.fields('', changes, CHANGEABLE, FIXED)
  read.fields('pool', changes.pool, POOL_OPTION_NAMES)
  read.fields('pool', changes.pool, CHANGEABLE_POOL, FIXED)
  const pool = changes.pool ?? {}
  const max = read.count('pool.max', pool.max ?? current.pool.max)
  const min = read.count('pool.min', pool.min ?? current.pool.min, { allowZero: true })
  if (min > max) {
    // Name the field the caller changed: lowering max below the current min is the max's fault.
    if (pool.min === undefined) {
      throw new InvalidOptionError('pool.max', max, `must not be below pool.min (${min})`)
    }
    throw new InvalidOptionError('pool.min', min, `must not exceed pool.max (${max})`)
  }
  return {
    pool: {
      max,
      min,
      idleTimeoutMs:
        pool.idleTimeout === undefined
          ? current.pool.idleTimeoutMs
          : parseDuration('pool.idleTimeout', pool.idleTimeout),
      connectionTimeoutMs:
        pool.connectionTimeout === undefined
          ? current.pool.connectionTimeoutMs
          : parseDuration('pool.connectionTimeout', pool.connectionTimeout),
    },
    cacheTtlMs:
      changes.cacheTtl === undefined
        ? current.cacheTtlMs
        : parseDuration('cacheTtl', changes.cacheTtl),
    slowQueryMs: readSlowQueryMs(changes.slowQueryMs ?? current.slowQueryMs),
  }
}
