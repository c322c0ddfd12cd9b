import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

describe('parseDuration', () => {
  it('accepts milliseconds and unit strings', () => {
    expect(parseDuration('interval', 250)).toBe(250)
    expect(parseDuration('interval', '250ms')).toBe(250)
    expect(parseDuration('interval', '30s')).toBe(30_000)
    expect(parseDuration('history', '10m')).toBe(600_000)
    expect(parseDuration('history', '1.5h')).toBe(5_400_000)
    expect(parseDuration('history', '1d')).toBe(86_400_000)
  })

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['5 minutes'], [''], ['-5s'], [{}]])(
    'rejects %s with a typed error naming the field',
    (value) => {
      expect(() => parseDuration('thresholds.cpu.for', value as never)).toThrow(
        InvalidDurationError,
      )
      expect(() => parseDuration('thresholds.cpu.for', value as never)).toThrow(
        /thresholds\.cpu\.for/,
      )
    },
  )

  it('rejects zero unless allowed', () => {
    expect(() => parseDuration('interval', 0)).toThrow(/must be positive/)
    expect(parseDuration('for', 0, { allowZero: true })).toBe(0)
  })

  it('carries a stable code and the field', () => {
    const error = (() => {
      try {
        parseDuration('window', '5 parsecs')
      } catch (caught) {
        return caught as InvalidDurationError
      }
    })()
    expect(error?.code).toBe('E_MONITOR_INVALID_DURATION')
    expect(error?.field).toBe('window')
  })
})
