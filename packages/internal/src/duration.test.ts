import { describe, expect, it } from 'vitest'
import { durationCases } from '../test/duration-cases.js'
import { readDuration } from './duration.js'

describe('readDuration', () => {
  it.each(durationCases.valid)('reads $input as $ms ms', ({ input, ms }) => {
    expect(readDuration(input)).toEqual({ ms })
  })

  it.each(durationCases.invalid)('names the rule $input breaks', ({ input, rule }) => {
    const reading = readDuration(input)
    expect('rule' in reading && reading.rule).toMatch(rule)
  })

  it('accepts zero when allowed, never a negative', () => {
    expect(readDuration(0, { allowZero: true })).toEqual({ ms: 0 })
    expect(readDuration(-1, { allowZero: true })).toEqual({ rule: 'must not be negative' })
  })

  it('refuses a duration above max, whatever its unit', () => {
    expect(readDuration('1s', { max: 1_000 })).toEqual({ ms: 1_000 })
    expect(readDuration('2s', { max: 1_000 })).toEqual({ rule: 'must be at most 1000 ms' })
  })
})
