import { describe, expect, it } from 'vitest'
import { encodeValue } from './copy-from.js'

describe('encodeValue (COPY text format)', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['plain', 'plain'],
    ['tab\there\nnew\\slash\r', 'tab\\there\\nnew\\\\slash\\r'],
    [42, '42'],
    [10n, '10'],
    [true, 't'],
    [new Date('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05.000Z'],
    [Buffer.from([1, 255]), '\\\\x01ff'],
    [{ a: 'x\ty' }, '{"a":"x\\\\ty"}'],
  ])('encodes %s', (value, encoded) => {
    expect(encodeValue(value)).toBe(encoded)
  })

  it('writes array columns as Postgres array literals', () => {
    expect(encodeValue(['a', 'b "c"', null], true)).toBe('{"a","b \\\\"c\\\\"",NULL}')
  })
})
