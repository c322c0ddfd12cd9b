import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { listParser, parseDurationOption, parsePercentOption } from './option-parsers.js'

describe('option parsers', () => {
  it('reads durations with units and bare milliseconds', () => {
    expect(parseDurationOption('1s')).toBe(1000)
    expect(parseDurationOption('250ms')).toBe(250)
    expect(parseDurationOption('1500')).toBe(1500)
    expect(() => parseDurationOption('soon')).toThrow(InvalidArgumentError)
  })

  it('reads percentages with or without the sign', () => {
    expect(parsePercentOption('10%')).toBe(10)
    expect(parsePercentOption('2.5')).toBe(2.5)
    expect(() => parsePercentOption('ten')).toThrow(/percentage/)
  })

  it('reads lists of allowed names, naming the unknown ones', () => {
    const parse = listParser(['cache', 'db'] as const)
    expect(parse('db, cache,db')).toEqual(['db', 'cache'])
    expect(() => parse('cache,gpu')).toThrow(/unknown gpu/)
    expect(() => parse(',')).toThrow(InvalidArgumentError)
  })
})
