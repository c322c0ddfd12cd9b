import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTokenVerifier } from './token-verifier.js'

const secret = 'a-test-secret-of-at-least-32-characters'
const sign = (exp: number) =>
  new SignJWT({ role: 'viewer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('s')
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret))

describe('createTokenVerifier', () => {
  it('still rejects a remembered token once it expires', async () => {
    const verifier = createTokenVerifier({ jwtSecret: secret, clockTolerance: 0 })
    const exp = Math.floor(Date.now() / 1000) + 1
    const token = await sign(exp)
    expect((await verifier.verify(token)).subject).toBe('s')
    expect((await verifier.verify(token)).subject).toBe('s')
    const deadline = Date.now() + 5_000
    while (Date.now() <= exp * 1000 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
    await expect(verifier.verify(token)).rejects.toMatchObject({
      status: 401,
      message: 'token expired',
    })
  })

  it('refuses a secret shorter than 32 characters and two key settings at once', () => {
    expect(() => createTokenVerifier({ jwtSecret: 'short', clockTolerance: 0 })).toThrow(
      /at least 32 characters/,
    )
    expect(() =>
      createTokenVerifier({
        jwtSecret: secret,
        jwksUrl: 'https://keys.test/jwks.json',
        clockTolerance: 0,
      }),
    ).toThrow(/only one of/)
  })

  it('pins ES256 for a P-256 public key and rejects other key types', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    expect(createTokenVerifier({ jwtPublicKey: ec, clockTolerance: 0 }).algorithms).toEqual([
      'ES256',
    ])
    const ed = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    expect(() => createTokenVerifier({ jwtPublicKey: ed, clockTolerance: 0 })).toThrow(
      /RSA key \(RS256\) or a P-256/,
    )
  })
})
