import { describe, expect, it } from 'vitest'
import { sparkline } from './sparkline.js'

describe('sparkline', () => {
  it('scales from zero to the largest value, newest at the right edge', () => {
    expect(sparkline([0, 4, 8], 5)).toBe('  ▁▅█')
  })

  it('uses fixed bounds when given, clamping values outside them', () => {
    expect(sparkline([0, 50, 100, 150], 4, { min: 0, max: 100 })).toBe('▁▅██')
  })

  it('shows gaps for missing values and keeps only the last `width` values', () => {
    expect(sparkline([8, null, 8], 3)).toBe('█ █')
    expect(sparkline([1, 2, 3, 4, 5, 6], 2)).toBe('▇█')
  })

  it('draws a flat line when every value is equal', () => {
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁')
  })
})
