import { describe, expect, it } from 'vitest'
import { readCount, readEnum, readFraction, readPositive } from './option-readers.js'

describe('readCount', () => {
  it('accepts a positive safe integer', () => {
    expect(readCount(10)).toEqual({ value: 10 })
  })

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '3', undefined])(
    'rejects %s as not a positive integer',
    (value) => {
      expect(readCount(value)).toEqual({ rule: 'must be a positive integer' })
    },
  )

  it('accepts zero only when allowed', () => {
    expect(readCount(0, { allowZero: true })).toEqual({ value: 0 })
    expect(readCount(-1, { allowZero: true })).toEqual({ rule: 'must be a non-negative integer' })
  })

  it('names the range when there is a maximum', () => {
    expect(readCount(256, { max: 256 })).toEqual({ value: 256 })
    expect(readCount(257, { max: 256 })).toEqual({ rule: 'must be an integer from 1 to 256' })
    expect(readCount(-1, { allowZero: true, max: 9 })).toEqual({
      rule: 'must be an integer from 0 to 9',
    })
  })
})

describe('readPositive', () => {
  it('accepts a positive number that is not an integer', () => {
    expect(readPositive(0.9)).toEqual({ value: 0.9 })
  })

  it.each([0, -0.5, Number.POSITIVE_INFINITY, Number.NaN, '1'])('rejects %s', (value) => {
    expect(readPositive(value)).toEqual({ rule: 'must be a positive finite number' })
  })

  it('accepts zero when allowed and refuses a number above max', () => {
    expect(readPositive(0, { allowZero: true })).toEqual({ value: 0 })
    expect(readPositive(2, { max: 1 })).toEqual({
      rule: 'must be a positive finite number of at most 1',
    })
  })
})

describe('readFraction', () => {
  it('accepts 0 to 1 inclusive', () => {
    for (const value of [0, 0.1, 1]) expect(readFraction(value)).toEqual({ value })
  })

  it.each([-0.1, 1.01, Number.NaN, '0.5', null])('rejects %s', (value) => {
    expect(readFraction(value)).toEqual({ rule: 'must be a number from 0 to 1' })
  })

  it('refuses 1 itself when allowOne is false', () => {
    expect(readFraction(0.99, { allowOne: false })).toEqual({ value: 0.99 })
    expect(readFraction(1, { allowOne: false })).toEqual({
      rule: 'must be a fraction from 0 (none) up to but excluding 1',
    })
  })
})

describe('readEnum', () => {
  const CODECS = ['lz4', 'gzip', 'none'] as const

  it('accepts an allowed value', () => {
    expect(readEnum('gzip', CODECS)).toEqual({ value: 'gzip' })
  })

  it('lists the allowed values for anything else', () => {
    expect(readEnum('zip', CODECS)).toEqual({ rule: 'must be one of lz4, gzip, none' })
    expect(readEnum(undefined, CODECS)).toEqual({ rule: 'must be one of lz4, gzip, none' })
  })
})
