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

/**
 * Reads a {@link Duration} into whole milliseconds without throwing, so each package can raise
 * its own typed error naming the field.
 *
 * @example
 * readDuration('90s') // { ms: 90_000 }
 * readDuration(-1) // { rule: 'must be positive' }
 */
export function readDuration(value: unknown, { allowZero = false } = {}): DurationReading {
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
  return { ms: Math.round(ms) }
}
