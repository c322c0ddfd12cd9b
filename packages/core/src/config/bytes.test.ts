import { describe, expect, it } from 'vitest'
import { readByteSize } from './bytes.js'

describe('readByteSize', () => {
  it.each([
    [4096, 4096],
    ['4096', 4096],
    ['512B', 512],
    ['512KiB', 512 * 1024],
    ['64MiB', 64 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['10MB', 10_000_000],
    ['1.5 kb', 1500],
    [' 2mib ', 2 * 1024 ** 2],
  ])('reads %j as %d bytes', (value, bytes) => {
    expect(readByteSize(value)).toEqual({ bytes })
  })

  it.each([
    ['64 parsecs', /unit B, KB, MB, GB, KiB, MiB or GiB/],
    ['MiB', /unit/],
    ['', /unit/],
    [-1, /must not be negative/],
    [Number.POSITIVE_INFINITY, /finite/],
    [true, /a number of bytes or a size/],
  ])('names the rule %j breaks', (value, rule) => {
    const reading = readByteSize(value)
    expect('rule' in reading && reading.rule).toMatch(rule)
  })
})
