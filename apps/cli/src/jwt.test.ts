import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signCliToken } from './jwt.js'

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>
}

describe('signCliToken', () => {
  it('signs HS256 over header and payload with the secret', () => {
    const token = signCliToken('secret', { role: 'admin', ttlMs: 3_600_000, now: 1_000 })
    const [header, payload, signature] = token.split('.')
    expect(decode(header!)).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(decode(payload!)).toEqual({ sub: 'cli:admin', role: 'admin', iat: 1_000, exp: 4_600 })
    expect(signature).toBe(
      createHmac('sha256', 'secret').update(`${header}.${payload}`).digest('base64url'),
    )
  })

  it('adds iss and aud only when given', () => {
    const token = signCliToken('s', {
      role: 'viewer',
      ttlMs: 1000,
      issuer: 'me',
      audience: 'api',
      now: 0,
    })
    expect(decode(token.split('.')[1]!)).toMatchObject({ iss: 'me', aud: 'api', exp: 1 })
  })

  it('gives each role its own subject, so viewer and admin tokens never share a rate limit', () => {
    const subjects = (['viewer', 'admin'] as const).map(
      (role) => decode(signCliToken('s', { role, ttlMs: 1000, now: 0 }).split('.')[1]!)['sub'],
    )
    expect(subjects).toEqual(['cli:viewer', 'cli:admin'])
  })

  it('names the signing secret by kid when given', () => {
    const token = signCliToken('s', { role: 'viewer', ttlMs: 1000, now: 0, keyId: 'k1' })
    expect(decode(token.split('.')[0]!)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k1' })
  })
})
