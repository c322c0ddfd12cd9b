import { describe, expect, it } from 'vitest'
import { UnserializableValueError } from './errors.js'
import { deserialize, serialize } from './serializer.js'

const roundTrip = <T>(value: T): T => deserialize<T>(serialize('k', value))

describe('serializer', () => {
  it('round-trips every supported type losslessly', () => {
    const value = {
      text: 'héllo',
      int: 42,
      float: -1.25,
      large: 2 ** 40,
      yes: true,
      nothing: null,
      when: new Date('2026-01-02T03:04:05.678Z'),
      big: 123_456_789_012_345_678_901_234_567_890n,
      small: 5n,
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, { nested: true }],
      ]),
      set: new Set(['x', 1]),
      buffer: Buffer.from([0, 1, 2, 255]),
      list: [1, 'two', { three: 3 }, [4]],
    }
    const copy = roundTrip(value)
    expect(copy).toEqual(value)
    expect(copy.when).toBeInstanceOf(Date)
    expect(typeof copy.big).toBe('bigint')
    expect(copy.map).toBeInstanceOf(Map)
    expect(copy.set).toBeInstanceOf(Set)
    expect(Buffer.isBuffer(copy.buffer)).toBe(true)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
  })

  it('keeps null a value and top-level primitives intact', () => {
    expect(roundTrip(null)).toBeNull()
    expect(roundTrip('s')).toBe('s')
    expect(roundTrip(0)).toBe(0)
    expect(roundTrip(false)).toBe(false)
  })

  it.each([
    ['undefined', undefined, /undefined means a miss/],
    ['a function', { run: () => 1 }, /function/],
    ['a symbol', { tag: Symbol('x') }, /symbol/],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {}
        o.self = o
        return o
      })(),
      /circular/,
    ],
  ])('rejects %s with a typed error naming the key', (_name, value, rule) => {
    expect(() => serialize('report:1', value)).toThrow(UnserializableValueError)
    expect(() => serialize('report:1', value)).toThrow(rule)
    expect(() => serialize('report:1', value)).toThrow(/report:1/)
  })
})
