import { createOptionReader } from '@bi-perf/internal'
import { InvalidDurationError, InvalidOptionError } from './errors.js'

/**
 * Core's one option reader: counts, numbers, durations and choices of the options its factories
 * and wrappers take (`createCachedFetch`, `cached`, `batch`, the resilience policies…), read the
 * way every bi-perf package reads them, throwing {@link InvalidOptionError} or
 * {@link InvalidDurationError} that names the field.
 *
 * @example
 * const size = read.count('options.size', options.size)
 * const ttl = read.duration('options.ttl', options.ttl ?? '5m')
 */
export const read = createOptionReader({
  option: (field, value, rule) => new InvalidOptionError(field, value, rule),
  duration: (field, value, rule) => new InvalidDurationError(field, value, rule),
})
