import { describe, expect, it } from 'vitest'
import { BiPerfError, hasErrorCode } from './bi-perf-error.js'

class CacheError extends BiPerfError {
  override name = 'CacheError'
}

describe('BiPerfError', () => {
  it('carries its code, name, message and cause', () => {
    const cause = new Error('socket closed')
    const error = new CacheError('E_CACHE_CLOSED', 'The cache is closed', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'CacheError', code: 'E_CACHE_CLOSED', cause })
    expect(error.message).toBe('The cache is closed')
    expect(error.legacyCode).toBeUndefined()
  })

  it('keeps the legacy code apart from the error options', () => {
    const error = new CacheError('E_CACHE_INVALID_DURATION', 'bad ttl', {
      legacyCode: 'E_CACHE_INVALID_TTL',
    })
    expect(error.legacyCode).toBe('E_CACHE_INVALID_TTL')
    expect('cause' in error).toBe(false)
  })
})

describe('hasErrorCode', () => {
  const renamed = new CacheError('E_CACHE_INVALID_DURATION', 'bad ttl', {
    legacyCode: 'E_CACHE_INVALID_TTL',
  })

  it('matches the code and the legacy code', () => {
    expect(hasErrorCode(renamed, 'E_CACHE_INVALID_DURATION')).toBe(true)
    expect(hasErrorCode(renamed, 'E_CACHE_INVALID_TTL')).toBe(true)
    expect(hasErrorCode(renamed, 'E_CACHE_CLOSED')).toBe(false)
  })

  it('matches any object with a code, whichever copy of the class built it', () => {
    expect(hasErrorCode({ code: 'E_DB_CLOSED' }, 'E_DB_CLOSED')).toBe(true)
  })

  it('is false for values that are not errors', () => {
    for (const value of [undefined, null, 'E_CACHE_CLOSED', 3]) {
      expect(hasErrorCode(value, 'E_CACHE_CLOSED')).toBe(false)
    }
  })
})
