import { describe, expect, it } from 'vitest'
import { deepFreeze } from './deep-freeze.js'

describe('deepFreeze', () => {
  it('freezes nested objects and arrays and returns the same object', () => {
    const defaults = { ttl: '1h', l1: { maxEntries: 10 }, codecs: ['lz4'] }
    expect(deepFreeze(defaults)).toBe(defaults)
    expect(Object.isFrozen(defaults)).toBe(true)
    expect(Object.isFrozen(defaults.l1)).toBe(true)
    expect(Object.isFrozen(defaults.codecs)).toBe(true)
  })

  it('leaves primitives as they are', () => {
    expect(deepFreeze(3)).toBe(3)
    expect(deepFreeze(null)).toBeNull()
  })
})
