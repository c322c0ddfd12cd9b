import { readDuration } from '@bi-perf/internal'
import { InvalidDurationError } from './errors.js'

/** A duration in milliseconds, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'7d'`. */
export type Duration = number | string

/**
 * Turns a {@link Duration} into milliseconds, or throws an {@link InvalidDurationError} naming
 * `field` and the rule.
 *
 * @example
 * parseDuration('interval', '30s') // 30_000
 */
export function parseDuration(field: string, value: Duration, { allowZero = false } = {}): number {
  const reading = readDuration(value, { allowZero })
  if ('rule' in reading) throw new InvalidDurationError(field, value, reading.rule)
  return reading.ms
}
