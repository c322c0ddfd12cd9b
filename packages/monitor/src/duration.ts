import { InvalidDurationError } from './errors.js'

/** A duration in milliseconds, or a string such as `'250ms'`, `'90s'`, `'5m'`, `'1h'`, `'7d'`. */
export type Duration = number | string

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/

/**
 * Turns a {@link Duration} into milliseconds, or throws an {@link InvalidDurationError} naming
 * `field` and the rule.
 *
 * @example
 * parseDuration('interval', '90s') // 90_000
 */
export function parseDuration(field: string, value: Duration, { allowZero = false } = {}): number {
  let ms: number
  if (typeof value === 'number') {
    ms = value
  } else if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value.trim())
    if (!match) {
      throw new InvalidDurationError(
        field,
        value,
        "expected milliseconds or a number with a unit ms, s, m, h or d, e.g. '90s'",
      )
    }
    ms = Number(match[1]) * UNIT_MS[match[2]!]!
  } else {
    throw new InvalidDurationError(field, value, 'expected a number of milliseconds or a string')
  }
  if (!Number.isFinite(ms)) throw new InvalidDurationError(field, value, 'must be a finite number')
  if (ms < 0 || (ms === 0 && !allowZero)) {
    throw new InvalidDurationError(
      field,
      value,
      allowZero ? 'must not be negative' : 'must be positive',
    )
  }
  return Math.round(ms)
}
