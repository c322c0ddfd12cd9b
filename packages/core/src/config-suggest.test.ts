import { describe, expect, it } from 'vitest'
import { closestName, editDistance } from './config-suggest.js'

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })
})

describe('closestName', () => {
  it('suggests the nearest candidate ignoring case', () => {
    expect(closestName('maxbytes', ['maxEntries', 'maxBytes'])).toBe('maxBytes')
    expect(closestName('CACHE_TTL_JITER', ['CACHE_TTL', 'CACHE_TTL_JITTER'])).toBe(
      'CACHE_TTL_JITTER',
    )
  })

  it('suggests nothing when no candidate is close', () => {
    expect(closestName('FOO', ['PROFILE', 'CACHE_TTL'])).toBeUndefined()
    expect(closestName('anything', [])).toBeUndefined()
  })
})
