import { jwtKeyId, resolveConfig } from '@bi-perf/core'
import { SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
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
    // Only Date is faked: the clock moves when the test says so, not when a loaded machine gets
    // round to the next check (a real 1 s token could expire before its first verification).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 12, 0, 0) })
    try {
      const verifier = createTokenVerifier({ jwtSecret: secret, clockTolerance: 0 })
      const exp = Math.floor(Date.now() / 1000) + 60
      const token = await sign(exp)
      expect((await verifier.verify(token)).subject).toBe('s')
      vi.setSystemTime(exp * 1000 - 1_000)
      expect((await verifier.verify(token)).subject).toBe('s')
      vi.setSystemTime(exp * 1000 + 1_000)
      await expect(verifier.verify(token)).rejects.toMatchObject({
        status: 401,
        message: 'token expired',
      })
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses a token issued in the future beyond the clock tolerance, and accepts one within it', async () => {
    const verifier = createTokenVerifier({ jwtSecret: secret, clockTolerance: 30_000 })
    const now = Math.floor(Date.now() / 1000)
    const issuedAt = (iat: number) =>
      new SignJWT({ role: 'viewer' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('s')
        .setIssuedAt(iat)
        .setExpirationTime(now + 7_200)
        .sign(new TextEncoder().encode(secret))
    await expect(verifier.verify(await issuedAt(now + 3_600))).rejects.toMatchObject({
      status: 401,
      message: 'token issued in the future',
    })
    expect((await verifier.verify(await issuedAt(now + 5))).subject).toBe('s')
    expect((await verifier.verify(await issuedAt(now - 60))).subject).toBe('s')
  })

  // Secret lengths, one key setting and previous secrets beside a current one are rules of core's
  // configuration schema (tested there); the verifier takes the settings it validated.
  it('verifies tokens with the auth settings of a validated configuration', async () => {
    const { auth } = resolveConfig({ server: { auth: { jwtSecret: secret } } }).server
    const verifier = createTokenVerifier(auth)
    expect(verifier.algorithms).toEqual(['HS256'])
    const token = await sign(Math.floor(Date.now() / 1000) + 60)
    expect((await verifier.verify(token)).subject).toBe('s')
  })

  it('refuses auth settings without a key', () => {
    expect(() => createTokenVerifier({ clockTolerance: 0 })).toThrow(
      /set one of jwtSecret, jwtPublicKey or jwksUrl/,
    )
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

  describe('rotating the HS256 secret by kid', () => {
    const current = 'the-current-secret-of-32-characters!'
    const previous = 'the-previous-secret-of-32-characters'
    const signWith = (key: string, kid?: string) =>
      new SignJWT({ role: 'viewer' })
        .setProtectedHeader(kid === undefined ? { alg: 'HS256' } : { alg: 'HS256', kid })
        .setSubject(kid ?? 'no-kid')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(key))
    const rotated = () =>
      createTokenVerifier(
        { jwtSecret: current, jwtPreviousSecrets: [previous], clockTolerance: 0 },
        {},
        { maxTokens: 0 },
      )

    it('accepts tokens of the current and the previous secret, found by kid or tried in turn', async () => {
      const verifier = rotated()
      for (const token of [
        await signWith(current, jwtKeyId(current)),
        await signWith(previous, jwtKeyId(previous)),
        await signWith(current),
        await signWith(previous),
      ]) {
        expect((await verifier.verify(token)).role).toBe('viewer')
      }
    })

    it('tries every secret for a foreign kid, trusts our kid, and drops a retired secret', async () => {
      const verifier = rotated()
      // A kid of another signer's naming: the secrets are tried in turn.
      expect((await verifier.verify(await signWith(current, 'their-own-kid'))).role).toBe('viewer')
      const stranger = 'a-secret-nobody-configured-32-chars'
      await expect(
        verifier.verify(await signWith(stranger, 'their-own-kid')),
      ).rejects.toMatchObject({ status: 401, message: 'unknown signing key' })
      // The kid picks the key: a token signed with the previous secret under the current kid fails.
      await expect(
        verifier.verify(await signWith(previous, jwtKeyId(current))),
      ).rejects.toMatchObject({ status: 401, message: 'bad signature' })
      await expect(verifier.verify(await signWith(stranger))).rejects.toMatchObject({
        status: 401,
        message: 'bad signature',
      })
      // Once the previous secret is removed, its tokens stop working.
      const retired = createTokenVerifier({ jwtSecret: current, clockTolerance: 0 })
      await expect(
        retired.verify(await signWith(previous, jwtKeyId(previous))),
      ).rejects.toMatchObject({ status: 401, message: 'unknown signing key' })
      await expect(retired.verify(await signWith(previous))).rejects.toMatchObject({
        status: 401,
        message: 'bad signature',
      })
    })
  })
})
