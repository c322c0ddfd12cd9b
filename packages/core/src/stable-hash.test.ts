import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { stableKey } from './stable-hash.js'

const differ = (a: unknown[], b: unknown[]) => expect(stableKey(a)).not.toBe(stableKey(b))
const same = (a: unknown[], b: unknown[]) => expect(stableKey(a)).toBe(stableKey(b))

describe('stableKey', () => {
  it('is a 43-character base64url sha256', () => {
    expect(stableKey([{ a: 1 }])).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('ignores the key order of plain objects, nested too', () => {
    same(
      [{ a: 1, b: { c: 2, d: [1, { e: 3, f: 4 }] } }],
      [{ b: { d: [1, { f: 4, e: 3 }], c: 2 }, a: 1 }],
    )
    same([Object.assign(Object.create(null), { a: 1 })], [{ a: 1 }])
  })

  it('distinguishes values of different types', () => {
    differ([1], ['1'])
    differ([null], [undefined])
    differ([true], ['true'])
    differ([1n], [1])
    differ([new Date(0)], [0])
    differ([[1, 2]], ['1,2'])
    differ([[]], [{}])
    differ([new Map([['a', 1]])], [{ a: 1 }])
    differ([new Set([1])], [[1]])
    differ([Buffer.from('ab')], ['ab'])
    differ([new Uint8Array([1])], [new Int8Array([1])])
    differ([new URL('https://a.example/')], ['https://a.example/'])
  })

  it('keeps argument positions and string boundaries apart', () => {
    differ(['ab', 'c'], ['a', 'bc'])
    differ([['a'], 'b'], [['a', 'b']])
    differ([{ a: 'b' }], [{ ab: '' }])
    differ([1, undefined], [1])
  })

  it('treats Map and Set contents regardless of insertion order', () => {
    same(
      [
        new Map<unknown, unknown>([
          ['a', 1],
          [2, 'b'],
        ]),
      ],
      [
        new Map<unknown, unknown>([
          [2, 'b'],
          ['a', 1],
        ]),
      ],
    )
    same([new Set([3, 1, 2])], [new Set([1, 2, 3])])
    differ([new Map([['a', 1]])], [new Map([['a', 2]])])
  })

  it('treats properties holding undefined as absent, like JSON', () => {
    same([{ a: 1, b: undefined }], [{ a: 1 }])
  })

  it('encodes dates, bigints and values with toJSON by value', () => {
    same([new Date('2026-01-01T00:00:00Z')], [new Date(Date.UTC(2026, 0, 1))])
    differ([new Date(1)], [new Date(2)])
    differ([2n ** 70n], [2n ** 70n + 1n])
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return { cents: this.cents }
      }
    }
    same([new Money(5)], [new Money(5)])
    differ([new Money(5)], [new Money(6)])
    differ([new Money(5)], [{ cents: 5 }])
  })

  it('accepts the same object twice when there is no cycle', () => {
    const shared = { a: 1 }
    expect(() => stableKey([shared, { x: shared, y: [shared] }])).not.toThrow()
  })

  it('rejects functions, symbols and cycles naming where they are', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const cases: [unknown[], string][] = [
      [[1, { run: () => 1 }], 'args[1].run'],
      [[[Symbol('s')]], 'args[0][0]'],
      [[cyclic], 'args[0].self'],
      [[new (class Connection {})()], 'args[0]'],
    ]
    for (const [args, path] of cases) {
      let caught: unknown
      try {
        stableKey(args)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError)
      expect(caught).toMatchObject({ code: 'E_CORE_INVALID_ARGUMENT', argument: path })
    }
  })
})
