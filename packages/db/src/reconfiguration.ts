import { findUnknownField } from '@bi-perf/internal'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { checkSlowQueryMs, count, type ResolvedOptions } from './options.js'
import type { DatabaseReconfiguration } from './types.js'

/** A {@link DatabaseReconfiguration} validated and merged with the current settings. */
export interface ResolvedReconfiguration {
  pool: { max: number; min: number; idleTimeoutMs: number; connectionTimeoutMs: number }
  cacheTtlMs: number
  slowQueryMs: number
}

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
  checkFields('', changes, ['pool', 'cacheTtl', 'slowQueryMs'])
  const pool = changes.pool ?? {}
  checkFields('pool.', pool, ['max', 'min', 'idleTimeout', 'connectionTimeout'])
  const max = count('pool.max', pool.max ?? current.pool.max)
  const min = count('pool.min', pool.min ?? current.pool.min, { allowZero: true })
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
    slowQueryMs: checkSlowQueryMs(changes.slowQueryMs ?? current.slowQueryMs),
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
