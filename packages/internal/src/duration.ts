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

/** Milliseconds of a valid duration, or the rule an invalid one breaks. */
export type DurationReading = { ms: number } | { rule: string }

/** Bounds a duration must respect: zero is refused unless `allowZero`; `max` is in ms. */
export interface DurationRules {
  allowZero?: boolean
  max?: number
}

/**
 * Reads a {@link Duration} into whole milliseconds without throwing, so each package can raise
 * its own typed error naming the field.
 *
 * @example
 * readDuration('90s') // { ms: 90_000 }
 * readDuration(-1) // { rule: 'must be positive' }
 * readDuration('2s', { max: 1_000 }) // { rule: 'must be at most 1000 ms' }
 */
export function readDuration(
  value: unknown,
  { allowZero = false, max }: DurationRules = {},
): DurationReading {
  let ms: number
  if (typeof value === 'number') {
    ms = value
  } else if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value.trim())
    if (!match) {
      return { rule: "expected milliseconds or a number with a unit ms, s, m, h or d, e.g. '90s'" }
    }
    ms = Number(match[1]) * UNIT_MS[match[2]!]!
  } else {
    return { rule: 'expected a number of milliseconds or a string' }
  }
  if (!Number.isFinite(ms)) return { rule: 'must be a finite number' }
  if (ms < 0 || (ms === 0 && !allowZero)) {
    return { rule: allowZero ? 'must not be negative' : 'must be positive' }
  }
  const rounded = Math.round(ms)
  if (max !== undefined && rounded > max) return { rule: `must be at most ${max} ms` }
  return { ms: rounded }
}
