import { describe, expect, it } from 'vitest'
import { valueFootprint } from './value-footprint.js'

describe('valueFootprint', () => {
  it('deep-freezes plain data and estimates its heap size', () => {
    const value = { rows: [{ region: 'EMEA', revenue: 1.5 }], total: 3 }
    const bytes = valueFootprint(value, true)
    expect(bytes).toBeGreaterThan(JSON.stringify(value).length)
    expect(Object.isFrozen(value)).toBe(true)
    expect(Object.isFrozen(value.rows)).toBe(true)
    expect(Object.isFrozen(value.rows[0])).toBe(true)
  })

  it.each([
    ['a Map', { lookup: new Map([[1, 2]]) }],
    ['a Set', { ids: new Set([1]) }],
    ['a Date', { when: new Date() }],
    ['a Buffer', { raw: Buffer.from('x') }],
  ])('refuses to freeze a value holding %s', (_name, value) => {
    expect(valueFootprint(value, true)).toBeUndefined()
  })

  it('measures collections and binary data without freezing', () => {
    const value = { lookup: new Map([['a', 'b']]), raw: Buffer.alloc(1000) }
    expect(valueFootprint(value, false)).toBeGreaterThan(1000)
    expect(Object.isFrozen(value)).toBe(false)
  })

  it('grows with the number of properties and string lengths', () => {
    const small = valueFootprint({ a: 'x' }, false)!
    const large = valueFootprint({ a: 'x'.repeat(500), b: 1, c: 2 }, false)!
    expect(large - small).toBeGreaterThan(500)
  })
})
