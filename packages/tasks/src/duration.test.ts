import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

describe('parseDuration', () => {
  it('accepts milliseconds and unit strings', () => {
    expect(parseDuration('timeout', 250)).toBe(250)
    expect(parseDuration('timeout', '250ms')).toBe(250)
    expect(parseDuration('timeout', '90s')).toBe(90_000)
    expect(parseDuration('timeout', '1.5m')).toBe(90_000)
    expect(parseDuration('timeout', '1h')).toBe(3_600_000)
    expect(parseDuration('timeout', '7d')).toBe(604_800_000)
  })

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['10 parsecs'], [''], ['-5s']])(
    'rejects %s with a typed error naming the field',
    (value) => {
      expect(() => parseDuration('retry.backoff.delay', value)).toThrow(InvalidDurationError)
      expect(() => parseDuration('retry.backoff.delay', value)).toThrow(/retry\.backoff\.delay/)
    },
  )

  it('rejects zero unless allowed', () => {
    expect(() => parseDuration('timeout', 0)).toThrow(/must be positive/)
    expect(parseDuration('delay', 0, { allowZero: true })).toBe(0)
  })

  it('carries a stable code', () => {
    try {
      parseDuration('timeout', -5)
      expect.unreachable()
    } catch (error) {
      expect((error as InvalidDurationError).code).toBe('E_TASKS_INVALID_DURATION')
      expect((error as InvalidDurationError).field).toBe('timeout')
    }
  })
})
