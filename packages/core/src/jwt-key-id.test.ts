import { describe, expect, it } from 'vitest'
import { jwtKeyId } from './jwt-key-id.js'

describe('jwtKeyId', () => {
  it('names a secret by the same 16 URL-safe characters every time', () => {
    const secret = 'a'.repeat(32)
    expect(jwtKeyId(secret)).toMatch(/^[\w-]{16}$/)
    expect(jwtKeyId(secret)).toBe(jwtKeyId('a'.repeat(32)))
  })

  it('tells secrets apart and never contains the secret', () => {
    const current = 'current-secret-with-32-characters!'
    const previous = 'previous-secret-with-32-characters'
    expect(jwtKeyId(current)).not.toBe(jwtKeyId(previous))
    expect(jwtKeyId(current)).not.toContain('current')
  })
})
