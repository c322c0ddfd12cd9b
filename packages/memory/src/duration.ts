import { readDuration } from '@bi-perf/internal'
import { InvalidOptionError } from './errors.js'

/** A duration in milliseconds, or a string such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'7d'`. */
export type Duration = number | string

/**
 * Turns a {@link Duration} into milliseconds, or throws an {@link InvalidOptionError} naming
 * `option` and the rule.
 *
 * @example
 * parseDuration('minGcInterval', '30s') // 30_000
 */
export function parseDuration(option: string, value: Duration, { allowZero = false } = {}): number {
  const reading = readDuration(value, { allowZero })
  if ('rule' in reading) throw new InvalidOptionError(option, value, reading.rule)
  return reading.ms
}
