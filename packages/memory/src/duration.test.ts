import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'

describe('parseDuration', () => {
  it('accepts milliseconds and unit strings', () => {
    expect(parseDuration('minGcInterval', 250)).toBe(250)
    expect(parseDuration('minGcInterval', '250ms')).toBe(250)
    expect(parseDuration('minGcInterval', '30s')).toBe(30_000)
    expect(parseDuration('minGcInterval', '1.5m')).toBe(90_000)
    expect(parseDuration('minGcInterval', '1h')).toBe(3_600_000)
    expect(parseDuration('minGcInterval', ' 2d ')).toBe(172_800_000)
  })

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['10 parsecs'], [''], ['-5s'], [null]])(
    'rejects %s with a typed error naming the option',
    (value) => {
      expect(() => parseDuration('hookTimeout', value as never)).toThrow(InvalidOptionError)
      expect(() => parseDuration('hookTimeout', value as never)).toThrow(/hookTimeout/)
    },
  )

  it('rejects zero unless allowed', () => {
    expect(() => parseDuration('hookTimeout', 0)).toThrow(/must be positive/)
    expect(parseDuration('hookTimeout', 0, { allowZero: true })).toBe(0)
  })
})
