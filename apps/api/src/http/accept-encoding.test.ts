import { describe, expect, it } from 'vitest'
import { preferredCoding } from './accept-encoding.js'

describe('preferredCoding', () => {
  it('answers identity without a header or with an empty one', () => {
    expect(preferredCoding(undefined)).toBe('identity')
    expect(preferredCoding('')).toBe('identity')
  })

  it('prefers br when br and gzip are equally acceptable', () => {
    expect(preferredCoding('gzip, deflate, br')).toBe('br')
  })

  it('follows q-values', () => {
    expect(preferredCoding('gzip;q=1, br;q=0.5')).toBe('gzip')
    expect(preferredCoding('br;q=0.2, gzip;q=0.1')).toBe('br')
  })

  it('treats q=0 as a refusal and * as any coding not listed', () => {
    expect(preferredCoding('br;q=0, *')).toBe('gzip')
    expect(preferredCoding('*;q=0, gzip')).toBe('gzip')
    expect(preferredCoding('gzip;q=0, br;q=0')).toBe('identity')
    expect(preferredCoding('identity')).toBe('identity')
    expect(preferredCoding('deflate')).toBe('identity')
  })

  it('reads names and parameters case-insensitively, and an unreadable q as 0', () => {
    expect(preferredCoding('GZIP;Q=0.5')).toBe('gzip')
    expect(preferredCoding('br;q=high, gzip')).toBe('gzip')
    expect(preferredCoding('x-gzip')).toBe('gzip')
  })
})
