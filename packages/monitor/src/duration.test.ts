import { durationCases } from '@bi-perf/internal/test/duration-cases'
import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

// What a duration may be is tested once, in @bi-perf/internal; here only that monitor's parser
// throws monitor's own error.
describe('parseDuration', () => {
  it.each(durationCases.invalid)(
    'rejects $input with an InvalidDurationError naming the field',
    ({ input, rule }) => {
      let error: unknown
      try {
        parseDuration('thresholds.cpu.for', input as never)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(InvalidDurationError)
      expect(error).toMatchObject({
        code: 'E_MONITOR_INVALID_DURATION',
        field: 'thresholds.cpu.for',
      })
      expect((error as Error).message).toMatch(rule)
    },
  )
})
