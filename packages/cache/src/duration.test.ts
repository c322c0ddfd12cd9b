import { durationRejections } from '@bi-perf/internal/test/duration-cases'
import { hasErrorCode } from '@bi-perf/internal'
import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

// The parsing rules are tested once, in @bi-perf/internal (durationCases); here only that this
// package turns every rejected value into its own typed error.
describe('parseDuration', () => {
  it('throws an InvalidDurationError naming the field for every rejected duration', () => {
    for (const { error, rule } of durationRejections((value) => parseDuration('ns.x.ttl', value))) {
      expect(error).toBeInstanceOf(InvalidDurationError)
      expect(error).toMatchObject({ code: 'E_CACHE_INVALID_DURATION', field: 'ns.x.ttl' })
      expect((error as Error).message).toMatch(rule)
    }
  })

  it('still matches its code before 0.2.0, E_CACHE_INVALID_TTL', () => {
    const error = new InvalidDurationError('ttl', -5, 'must be positive')
    expect(error.legacyCode).toBe('E_CACHE_INVALID_TTL')
    expect(hasErrorCode(error, 'E_CACHE_INVALID_TTL')).toBe(true)
  })
})
