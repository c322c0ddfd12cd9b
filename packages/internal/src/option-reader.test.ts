import { describe, expect, it } from 'vitest'
import { createOptionReader } from './option-reader.js'

class OptionError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`)
  }
}

class DurationError extends OptionError {}

const read = createOptionReader({
  option: (field, value, rule) => new OptionError(field, value, rule),
  duration: (field, value, rule) => new DurationError(field, value, rule),
})

function thrown(run: () => unknown): OptionError {
  try {
    run()
  } catch (error) {
    return error as OptionError
  }
  throw new Error('expected a throw')
}

describe('createOptionReader', () => {
  it('returns valid values as read', () => {
    expect(read.count('l1.maxEntries', 0, { allowZero: true })).toBe(0)
    expect(read.positive('autoscale.maxCpu', 0.9)).toBe(0.9)
    expect(read.fraction('ttlJitter', 0.1)).toBe(0.1)
    expect(read.duration('ttl', '90s')).toBe(90_000)
    expect(read.oneOf('compression.codec', 'gzip', ['lz4', 'gzip'])).toBe('gzip')
  })

  it('throws the option error naming the field, the value and the rule', () => {
    const error = thrown(() => read.count('l1.maxEntries', -1))
    expect(error).toBeInstanceOf(OptionError)
    expect(error).not.toBeInstanceOf(DurationError)
    expect(error).toMatchObject({
      field: 'l1.maxEntries',
      value: -1,
      rule: 'must be a positive integer',
    })
    expect(thrown(() => read.oneOf('codec', 'zip', ['lz4'])).rule).toBe('must be one of lz4')
    expect(thrown(() => read.fraction('ttlJitter', 1, { allowOne: false })).field).toBe('ttlJitter')
    expect(thrown(() => read.positive('maxCpu', 0)).field).toBe('maxCpu')
  })

  it('throws the duration error for a bad duration', () => {
    const error = thrown(() => read.duration('namespaces.x.ttl', '5 parsecs'))
    expect(error).toBeInstanceOf(DurationError)
    expect(error.field).toBe('namespaces.x.ttl')
  })

  describe('fields', () => {
    it('accepts known keys and an absent group', () => {
      expect(() => read.fields('', { ttl: 1 }, ['ttl'])).not.toThrow()
      expect(() => read.fields('l1', undefined, ['maxEntries'])).not.toThrow()
    })

    it('names an unknown key by its path and the closest valid name', () => {
      const error = thrown(() => read.fields('l1', { maxEntrie: 5 }, ['enabled', 'maxEntries']))
      expect(error).toMatchObject({
        field: 'l1.maxEntrie',
        value: 5,
        rule: 'unknown option; did you mean "l1.maxEntries"?',
      })
      expect(thrown(() => read.fields('', { tll: 1 }, ['ttl'])).field).toBe('tll')
    })

    it('lists the valid names when none is close', () => {
      const error = thrown(() => read.fields('', { colour: 'red' }, ['ttl', 'grace']))
      expect(error.rule).toBe('unknown option; valid: ttl, grace')
    })

    it('words the rule as the caller asks', () => {
      const error = thrown(() =>
        read.fields('', { prefix: 'x' }, ['ttl'], { unknown: 'cannot be changed at run time' }),
      )
      expect(error.rule).toBe('cannot be changed at run time; valid: ttl')
    })

    it('rejects a group that is not an object', () => {
      expect(thrown(() => read.fields('l1', 3, ['maxEntries']))).toMatchObject({
        field: 'l1',
        rule: 'must be an object',
      })
      expect(thrown(() => read.fields('', null, ['ttl'])).field).toBe('options')
    })
  })
})
