import { describe, expect, it } from 'vitest'
import { sparkline, sparklineRange } from './sparkline.js'

describe('sparkline', () => {
  it('scales from the smallest to the largest value shown, newest at the right edge', () => {
    expect(sparkline([0, 4, 8], 5)).toBe('  ▁▅█')
    expect(sparkline([100, 104, 108], 3)).toBe('▁▅█')
  })

  it('uses fixed bounds when given, clamping values outside them', () => {
    expect(sparkline([0, 50, 100, 150], 4, { min: 0, max: 100 })).toBe('▁▅██')
  })

  it('shows gaps for missing values and keeps only the last `width` values', () => {
    expect(sparkline([2, 4, null, 8], 3)).toBe('▁ █')
    expect(sparkline([1, 2, 3, 4, 5, 6], 2)).toBe('▁█')
  })

  it('draws a flat series as a line through the middle, neither full nor empty', () => {
    expect(sparkline([34_000_000, 34_000_000, 34_000_000], 3)).toBe('▄▄▄')
    expect(sparkline([0, 0, 0], 3)).toBe('▄▄▄')
  })

  it('keeps a flat series at its place on a fixed scale', () => {
    expect(sparkline([100, 100], 2, { min: 0, max: 100 })).toBe('██')
    expect(sparkline([0, 0], 2, { min: 0, max: 100 })).toBe('▁▁')
  })

  it('draws nothing but blanks without values', () => {
    expect(sparkline([null, null], 4)).toBe('    ')
    expect(sparkline([1, 2], 0)).toBe('')
  })
})

describe('sparklineRange', () => {
  it('reports the bounds of the values shown, or the fixed ones', () => {
    expect(sparklineRange([9, 3, 5, 4], 3)).toEqual({ min: 3, max: 5, flat: false })
    expect(sparklineRange([40, 60], 10, { min: 0, max: 100 })).toEqual({
      min: 0,
      max: 100,
      flat: false,
    })
  })

  it('marks a series without spread as flat, and has no range without values', () => {
    expect(sparklineRange([7, null, 7], 3)).toEqual({ min: 7, max: 7, flat: true })
    expect(sparklineRange([null], 3)).toBeNull()
  })
})
