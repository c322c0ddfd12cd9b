import { createOptionReader } from '@bi-perf/internal'
import { InvalidDurationError, InvalidOptionError } from './errors.js'

/**
 * The package's one option reader: `createCache` and `configure()` validate every field through
 * it, so both apply the same rules and throw the same typed errors naming the field.
 */
export const read = createOptionReader({
  option: (field, value, rule) => new InvalidOptionError(field, value, rule),
  duration: (field, value, rule) => new InvalidDurationError(field, value, rule),
})
