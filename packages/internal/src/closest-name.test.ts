import { describe, expect, it } from 'vitest'
import { closestName, editDistance } from './closest-name.js'

const OPTIONS = ['ttl', 'ttlJitter', 'grace', 'maxEntries', 'maxBytes']

describe('closestName', () => {
  it('prefers a match that differs only in case', () => {
    expect(closestName('MAXBYTES', OPTIONS)).toBe('maxBytes')
  })

  it('suggests the nearest name by edit distance', () => {
    expect(closestName('maxEntrie', OPTIONS)).toBe('maxEntries')
    expect(closestName('tll', OPTIONS)).toBe('ttl')
    expect(closestName('ttlJiter', OPTIONS)).toBe('ttlJitter')
  })

  it('suggests nothing when every name is far off', () => {
    expect(closestName('colour', OPTIONS)).toBeUndefined()
    expect(closestName('x', [])).toBeUndefined()
  })

  it('takes any iterable of names, such as the keys of a map', () => {
    expect(closestName('CACHE_TTL_JITER', new Set(['CACHE_TTL', 'CACHE_TTL_JITTER']))).toBe(
      'CACHE_TTL_JITTER',
    )
  })

  it('counts insertions, deletions and substitutions as one edit each', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })

  it('allows more edits in a longer name', () => {
    expect(closestName('maxPendingInvaldtns', ['maxPendingInvalidations'])).toBe(
      'maxPendingInvalidations',
    )
  })
})
