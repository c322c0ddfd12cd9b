import { describe, expect, it } from 'vitest'
import { readDuration } from './duration.js'

describe('readDuration', () => {
  it('reads milliseconds and unit strings', () => {
    expect(readDuration(250)).toEqual({ ms: 250 })
    expect(readDuration('250ms')).toEqual({ ms: 250 })
    expect(readDuration(' 90s ')).toEqual({ ms: 90_000 })
    expect(readDuration('1.5m')).toEqual({ ms: 90_000 })
    expect(readDuration('1h')).toEqual({ ms: 3_600_000 })
    expect(readDuration('7d')).toEqual({ ms: 604_800_000 })
  })

  it.each([
    [-1, /must be positive/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    ['10 parsecs', /unit ms, s, m, h or d/],
    ['', /unit/],
    [{}, /a number of milliseconds or a string/],
  ])('names the rule %s breaks', (value, rule) => {
    const reading = readDuration(value)
    expect('rule' in reading && reading.rule).toMatch(rule)
  })

  it('accepts zero only when allowed', () => {
    expect(readDuration(0)).toEqual({ rule: 'must be positive' })
    expect(readDuration(0, { allowZero: true })).toEqual({ ms: 0 })
    expect(readDuration(-1, { allowZero: true })).toEqual({ rule: 'must not be negative' })
  })
})
