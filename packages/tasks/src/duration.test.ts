import { durationRejections } from '@bi-perf/internal/test/duration-cases'
import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

// The parsing rules are tested once, in @bi-perf/internal (durationCases); here only that this
// package turns every rejected value into its own typed error.
describe('parseDuration', () => {
  it('throws an InvalidDurationError naming the field for every rejected duration', () => {
    const field = 'retry.backoff.delay'
    for (const { error, rule } of durationRejections((value) => parseDuration(field, value))) {
      expect(error).toBeInstanceOf(InvalidDurationError)
      expect(error).toMatchObject({ code: 'E_TASKS_INVALID_DURATION', field })
      expect((error as Error).message).toMatch(rule)
    }
  })
})
