import { readDuration, type DurationRules } from './duration.js'
import {
  readCount,
  readEnum,
  readFraction,
  readPositive,
  type FractionRules,
  type NumberRules,
  type OptionReading,
} from './option-readers.js'
import { findUnknownField } from './unknown-field.js'

/** Builds a package's own typed error for a field, the value it held and the rule it broke. */
export type OptionErrorFactory = (field: string, value: unknown, rule: string) => Error

/** How {@link OptionReader.fields} words an unknown key. */
export interface FieldRules {
  /**
   * What is wrong with a key that is not allowed, before the hint; `configure()` says `'cannot
   * be changed at run time'` for an option that exists but is fixed at creation.
   * @default 'unknown option'
   */
  unknown?: string
}

/** The throwing readers one package binds to its own error classes: see {@link createOptionReader}. */
export interface OptionReader {
  /** A safe integer above 0 (from 0 with `allowZero`), at most `max`. */
  count(field: string, value: unknown, rules?: NumberRules): number
  /** A finite number above 0 (from 0 with `allowZero`), at most `max`. */
  positive(field: string, value: unknown, rules?: NumberRules): number
  /** A number from 0 to 1 (below 1 with `allowOne: false`). */
  fraction(field: string, value: unknown, rules?: FractionRules): number
  /** A duration in milliseconds; throws the package's duration error. */
  duration(field: string, value: unknown, rules?: DurationRules): number
  /** One of `allowed`. */
  oneOf<const T>(field: string, value: unknown, allowed: readonly T[]): T
  /**
   * Checks that `value` is an object whose keys are all in `allowed`, naming an unknown key by its
   * path (`l1.maxEntrie`) and the closest allowed name. `undefined` passes: an absent group of
   * options. `path` is the group's own path, `''` for the root.
   */
  fields(path: string, value: unknown, allowed: readonly string[], rules?: FieldRules): void
}

/**
 * Binds the pure readers (`readCount`, `readDuration`…) to one package's error classes, so that
 * package's `createX` and `configure()` validate every option the same way and throw its own
 * typed errors naming the field. Each package keeps exactly one such reader.
 *
 * @example
 * export const read = createOptionReader({
 *   option: (field, value, rule) => new InvalidOptionError(field, value, rule),
 *   duration: (field, value, rule) => new InvalidDurationError(field, value, rule),
 * })
 * read.count('l1.maxEntries', options.l1?.maxEntries ?? DEFAULTS.l1.maxEntries)
 */
export function createOptionReader(errors: {
  option: OptionErrorFactory
  duration: OptionErrorFactory
}): OptionReader {
  const take = <T>(field: string, value: unknown, reading: OptionReading<T>): T => {
    if ('rule' in reading) throw errors.option(field, value, reading.rule)
    return reading.value
  }
  return {
    count: (field, value, rules) => take(field, value, readCount(value, rules)),
    positive: (field, value, rules) => take(field, value, readPositive(value, rules)),
    fraction: (field, value, rules) => take(field, value, readFraction(value, rules)),
    oneOf: (field, value, allowed) => take(field, value, readEnum(value, allowed)),
    duration(field, value, rules) {
      const reading = readDuration(value, rules)
      if ('rule' in reading) throw errors.duration(field, value, reading.rule)
      return reading.ms
    },
    fields(path, value, allowed, { unknown = 'unknown option' } = {}) {
      if (value === undefined) return
      const reading = findUnknownField(value, allowed)
      if (reading.ok) return
      if (reading.notObject) throw errors.option(path || 'options', value, 'must be an object')
      const within = (name: string) => (path ? `${path}.${name}` : name)
      const hint =
        reading.closest === undefined
          ? `valid: ${allowed.map(within).join(', ')}`
          : `did you mean "${within(reading.closest)}"?`
      throw errors.option(within(reading.key), reading.value, `${unknown}; ${hint}`)
    },
  }
}
