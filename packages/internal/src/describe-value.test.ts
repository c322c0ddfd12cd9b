import { describe, expect, it } from 'vitest'
import { describeValue } from './describe-value.js'

describe('describeValue', () => {
  it('quotes strings and cuts long ones', () => {
    expect(describeValue('abc')).toBe('"abc"')
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…"`)
  })

  it('shows scalars as they are and other values by kind', () => {
    expect(describeValue(-1)).toBe('-1')
    expect(describeValue(Number.NaN)).toBe('NaN')
    expect(describeValue(false)).toBe('false')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(10n)).toBe('10n')
    expect(describeValue([1, 2])).toBe('(array of 2)')
    expect(describeValue({ secret: 'x' })).toBe('(object)')
    expect(describeValue(() => 1)).toBe('(function)')
  })
})
