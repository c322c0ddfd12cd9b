import { durationCases } from '@bi-perf/internal/test/duration-cases'
import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError, InvalidOptionError } from './errors.js'

// What a duration may be is tested once, in @bi-perf/internal; here only that memory's parser
// throws memory's own error.
describe('parseDuration', () => {
  it.each(durationCases.invalid)(
    'rejects $input with an InvalidDurationError naming the field',
    ({ input, rule }) => {
      let error: unknown
      try {
        parseDuration('hookTimeout', input as never)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(InvalidDurationError)
      // Memory threw InvalidOptionError for durations before; callers checking that still match.
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect(error).toMatchObject({
        code: 'E_MEMORY_INVALID_DURATION',
        legacyCode: 'E_MEMORY_INVALID_OPTION',
        field: 'hookTimeout',
      })
      expect((error as Error).message).toMatch(rule)
    },
  )
})
