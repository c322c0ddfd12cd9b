/** A valid option value, or the rule an invalid one breaks (never thrown: see `createOptionReader`). */
export type OptionReading<T> = { value: T } | { rule: string }

/** Bounds of a number option: zero is refused unless `allowZero`; `max` is inclusive. */
export interface NumberRules {
  allowZero?: boolean
  max?: number
}

/**
 * Reads a count (entries, bytes, attempts…): a safe integer above 0, or from 0 with `allowZero`,
 * and at most `max`.
 *
 * @example
 * readCount(10) // { value: 10 }
 * readCount(0) // { rule: 'must be a positive integer' }
 * readCount(300, { max: 256 }) // { rule: 'must be an integer from 1 to 256' }
 */
export function readCount(
  value: unknown,
  { allowZero = false, max }: NumberRules = {},
): OptionReading<number> {
  const least = allowZero ? 0 : 1
  const valid =
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= least &&
    (max === undefined || value <= max)
  if (valid) return { value }
  if (max !== undefined) return { rule: `must be an integer from ${least} to ${max}` }
  return { rule: `must be a ${allowZero ? 'non-negative' : 'positive'} integer` }
}

/**
 * Reads a finite number above 0 (from 0 with `allowZero`), at most `max`; unlike
 * {@link readCount} it need not be an integer.
 *
 * @example
 * readPositive(0.9) // { value: 0.9 }
 * readPositive(-1) // { rule: 'must be a positive finite number' }
 */
export function readPositive(
  value: unknown,
  { allowZero = false, max }: NumberRules = {},
): OptionReading<number> {
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0) &&
    (max === undefined || value <= max)
  if (valid) return { value }
  const kind = allowZero ? 'non-negative' : 'positive'
  return { rule: `must be a ${kind} finite number${max === undefined ? '' : ` of at most ${max}`}` }
}

/** Whether a fraction may be 1 itself: a jitter of 1 may take a TTL down to 0, say. */
export interface FractionRules {
  /** @default true */
  allowOne?: boolean
}

/**
 * Reads a fraction: a finite number from 0 to 1 (below 1 when `allowOne` is false).
 *
 * @example
 * readFraction(0.1) // { value: 0.1 }
 * readFraction(1.5) // { rule: 'must be a number from 0 to 1' }
 */
export function readFraction(
  value: unknown,
  { allowOne = true }: FractionRules = {},
): OptionReading<number> {
  const valid = typeof value === 'number' && value >= 0 && (allowOne ? value <= 1 : value < 1)
  if (valid) return { value }
  return {
    rule: allowOne
      ? 'must be a number from 0 to 1'
      : 'must be a fraction from 0 (none) up to but excluding 1',
  }
}

/**
 * Reads one of a fixed set of strings (or other primitives), compared with `===`.
 *
 * @example
 * readEnum('gzip', ['lz4', 'gzip', 'none']) // { value: 'gzip' }
 * readEnum('zip', ['lz4', 'gzip', 'none']) // { rule: 'must be one of lz4, gzip, none' }
 */
export function readEnum<const T>(value: unknown, allowed: readonly T[]): OptionReading<T> {
  if ((allowed as readonly unknown[]).includes(value)) return { value: value as T }
  return { rule: `must be one of ${allowed.join(', ')}` }
}
