import { describe, expect, it } from 'vitest'
import { Threshold } from './threshold.js'

describe('Threshold', () => {
  it('fires on the first reading at or above the limit, then stays quiet', () => {
    const threshold = new Threshold(0.7, 0.05, 60_000)
    expect(threshold.update(0.5, 0)).toBe(false)
    expect(threshold.update(0.7, 1)).toBe(true)
    expect(threshold.update(0.8, 2)).toBe(false)
    expect(threshold.update(0.9, 3)).toBe(false)
    expect(threshold.armed).toBe(false)
  })

  it('re-arms only below limit minus hysteresis', () => {
    const threshold = new Threshold(0.7, 0.05, 60_000)
    threshold.update(0.75, 0)
    expect(threshold.update(0.67, 1)).toBe(false)
    expect(threshold.update(0.71, 2)).toBe(false)
    expect(threshold.update(0.64, 3)).toBe(false)
    expect(threshold.armed).toBe(true)
    expect(threshold.update(0.71, 4)).toBe(true)
  })

  it('fires again after the re-arm interval while above', () => {
    const threshold = new Threshold(0.7, 0.05, 1_000)
    expect(threshold.update(0.8, 0)).toBe(true)
    expect(threshold.update(0.8, 999)).toBe(false)
    expect(threshold.update(0.8, 1_000)).toBe(true)
    expect(threshold.update(0.8, 1_500)).toBe(false)
  })

  it('defers a firing while an action of its level runs', () => {
    const threshold = new Threshold(0.7, 0, 1_000)
    expect(threshold.update(0.8, 0, false)).toBe(false)
    expect(threshold.armed).toBe(true)
    expect(threshold.update(0.8, 1, true)).toBe(true)
  })
})
