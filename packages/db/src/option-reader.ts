import { createOptionReader } from '@bi-perf/internal'
import { InvalidDurationError, InvalidOptionError } from './errors.js'

/**
 * The one option reader of @bi-perf/db: `createDatabase`, `configure()` and the memory store read
 * every option through it, so each rule is worded once and throws this package's typed errors.
 */
export const read = createOptionReader({
  option: (field, value, rule) => new InvalidOptionError(field, value, rule),
  duration: (field, value, rule) => new InvalidDurationError(field, value, rule),
})
