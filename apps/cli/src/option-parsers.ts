import { InvalidArgumentError } from 'commander'
import { readDuration } from '@bi-perf/internal'

/**
 * Parsers for commander options. They throw commander's `InvalidArgumentError`, so a bad value
 * gets commander's own message (`option '--interval <duration>' argument 'x' is invalid. …`)
 * and exit code 2.
 */

/**
 * Milliseconds of a duration flag: `250ms`, `1s`, `5m`, `1h`, `1d` or a number of milliseconds.
 *
 * @example
 * new Option('--interval <duration>').argParser(parseDurationOption)
 */
export function parseDurationOption(value: string): number {
  const reading = readDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value)
  if ('rule' in reading) {
    throw new InvalidArgumentError(
      `${reading.rule} (e.g. 500ms, 1s, 5m, 1h; a bare number is milliseconds)`,
    )
  }
  return reading.ms
}

/** A percentage flag such as `10%` or `10`, as a number of percent (0–1000). */
export function parsePercentOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(value.trim())
  const percent = match ? Number(match[1]) : Number.NaN
  if (!Number.isFinite(percent) || percent > 1000) {
    throw new InvalidArgumentError('expected a percentage such as 10% or 2.5%')
  }
  return percent
}

/** A positive whole number. */
export function parsePositiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1')
  }
  return number
}

/** A comma-separated list whose items must be among `allowed` (empty items dropped). */
export function listParser<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item))
    if (items.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(
        `${unknown.length > 0 ? `unknown ${unknown.join(', ')}; ` : ''}expected a comma-separated list of ${allowed.join(', ')}`,
      )
    }
    return [...new Set(items)] as T[]
  }
}

/** A comma-separated list of non-empty strings (cache tags). */
export function parseTagList(value: string): string[] {
  const tags = value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
  if (tags.length === 0) throw new InvalidArgumentError('expected one or more comma-separated tags')
  return tags
}
