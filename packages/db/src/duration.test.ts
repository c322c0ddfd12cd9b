import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'
import { InvalidDurationError } from './errors.js'

describe('parseDuration', () => {
  it('accepts milliseconds and unit strings', () => {
    expect(parseDuration('ttl', 250)).toBe(250)
    expect(parseDuration('ttl', '250ms')).toBe(250)
    expect(parseDuration('ttl', '90s')).toBe(90_000)
    expect(parseDuration('ttl', '1.5m')).toBe(90_000)
    expect(parseDuration('ttl', '1h')).toBe(3_600_000)
    expect(parseDuration('ttl', '7d')).toBe(604_800_000)
  })

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['10 parsecs'], [''], ['-5s']])(
    'rejects %s with a typed error naming the field',
    (value) => {
      expect(() => parseDuration('namespaces.x.ttl', value)).toThrow(InvalidDurationError)
      expect(() => parseDuration('namespaces.x.ttl', value)).toThrow(/namespaces\.x\.ttl/)
    },
  )

  it('rejects zero unless allowed', () => {
    expect(() => parseDuration('ttl', 0)).toThrow(/must be positive/)
    expect(parseDuration('grace', 0, { allowZero: true })).toBe(0)
  })

  it('carries a stable code', () => {
    try {
      parseDuration('ttl', -5)
      expect.unreachable()
    } catch (error) {
      expect((error as InvalidDurationError).code).toBe('E_DB_INVALID_DURATION')
      expect((error as InvalidDurationError).field).toBe('ttl')
    }
  })
})
