import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jwtKeyId, type Optimizer } from '@bi-perf/core'
import { exportJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import {
  bearer,
  hsToken,
  makeApp,
  newSecret,
  noneToken,
  readError,
  silentLogger,
  startOptimizer,
  stopAll,
  testConfig,
} from './helpers.js'

let optimizer: Optimizer
beforeAll(async () => {
  optimizer = await startOptimizer(testConfig({ tasks: { enabled: false } }))
})
afterAll(stopAll)

const now = () => Math.floor(Date.now() / 1000)

async function expect401(response: Response, reason: string) {
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toContain('Bearer')
  const error = await readError(response)
  expect(error).toEqual({ code: 'E_API_UNAUTHORIZED', message: reason })
}

describe('HS256 bearer tokens', () => {
  let app: Awaited<ReturnType<typeof makeApp>>['app']
  let secret: string
  beforeAll(async () => {
    ;({ app, secret } = await makeApp({ optimizer }))
  })

  it('accepts a valid viewer token', async () => {
    const response = await app.request('/performance/status', {
      headers: bearer(await hsToken(secret)),
    })
    expect(response.status).toBe(200)
  })

  it('rejects a request without a token', async () => {
    await expect401(await app.request('/performance/status'), 'missing bearer token')
  })

  it('rejects an Authorization header that is not a bearer token', async () => {
    const response = await app.request('/performance/status', {
      headers: { Authorization: 'Basic dXNlcjpwYXNz' },
    })
    await expect401(response, 'malformed authorization header, expected: Bearer <token>')
  })

  it('rejects a token that is not a JWT', async () => {
    await expect401(
      await app.request('/performance/status', { headers: bearer('abc.def') }),
      'malformed token',
    )
  })

  it('rejects a token signed with another secret, without echoing token or secret', async () => {
    const token = await hsToken(newSecret())
    const response = await app.request('/performance/status', { headers: bearer(token) })
    const text = await response.clone().text()
    expect(text).not.toContain(token)
    expect(text).not.toContain(secret)
    await expect401(response, 'bad signature')
  })

  it('rejects an unsigned alg none token', async () => {
    const token = noneToken({ role: 'admin', sub: 'mallory', exp: now() + 300 })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'algorithm not allowed',
    )
  })

  it('rejects an expired token', async () => {
    const token = await hsToken(secret, { exp: now() - 120 }, { expires: false })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'token expired',
    )
  })

  it('accepts a token expired by less than the clock tolerance (30 s by default)', async () => {
    const token = await hsToken(secret, { exp: now() - 5 }, { expires: false })
    expect((await app.request('/performance/status', { headers: bearer(token) })).status).toBe(200)
  })

  it('rejects a token whose nbf is in the future', async () => {
    const token = await hsToken(secret, { nbf: now() + 600 })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'token not yet valid',
    )
  })

  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const token = await hsToken(secret, { iat: now() + 600 }, { expires: now() + 1_200 })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'token issued in the future',
    )
  })

  it('accepts a token issued in the future by less than the clock tolerance', async () => {
    const token = await hsToken(secret, { iat: now() + 5 })
    expect((await app.request('/performance/status', { headers: bearer(token) })).status).toBe(200)
  })

  it('rejects a token without exp', async () => {
    const token = await hsToken(secret, {}, { expires: false })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'token has no valid exp claim',
    )
  })

  it('answers 403 for a token without a known role', async () => {
    const token = await hsToken(secret, { role: 'root' })
    const response = await app.request('/performance/status', { headers: bearer(token) })
    expect(response.status).toBe(403)
    expect((await readError(response)).code).toBe('E_API_FORBIDDEN')
  })

  it('answers 403 to a viewer on every admin route', async () => {
    const headers = { ...bearer(await hsToken(secret)), 'Content-Type': 'application/json' }
    for (const path of ['/performance/optimize/balanced', '/performance/cache/clear']) {
      const response = await app.request(path, { method: 'POST', headers, body: '{}' })
      expect(response.status, path).toBe(403)
      const error = await readError(response)
      expect(error.code).toBe('E_API_FORBIDDEN')
      expect(error.message).toContain('admin')
    }
  })

  it('lets an admin use viewer routes', async () => {
    const token = await hsToken(secret, { role: 'admin' })
    expect((await app.request('/performance/metrics', { headers: bearer(token) })).status).toBe(200)
  })

  it('checks auth on every /performance route, including the stream', async () => {
    const routes: [string, string][] = [
      ['GET', '/performance/status'],
      ['GET', '/performance/metrics'],
      ['GET', '/performance/recommendations'],
      ['GET', '/performance/cache/stats'],
      ['GET', '/performance/database/stats'],
      ['GET', '/performance/tasks/status'],
      ['GET', '/performance/stream'],
      ['POST', '/performance/optimize/memory'],
      ['POST', '/performance/cache/clear'],
    ]
    for (const [method, path] of routes) {
      const response = await app.request(path, { method })
      expect(response.status, `${method} ${path}`).toBe(401)
      await readError(response)
    }
  })
})

describe('HS256 secret rotation', () => {
  it('accepts tokens of a previous secret by kid until it is removed from the configuration', async () => {
    const current = newSecret()
    const previous = newSecret()
    const old = await new SignJWT({ role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256', kid: jwtKeyId(previous) })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(previous))
    const rotating = await makeApp({
      optimizer,
      config: { server: { auth: { jwtSecret: current, jwtPreviousSecrets: [previous] } } },
    })
    const accepted = await rotating.app.request('/performance/status', { headers: bearer(old) })
    expect(accepted.status).toBe(200)

    const rotated = await makeApp({
      optimizer,
      config: { server: { auth: { jwtSecret: current } } },
    })
    const refused = await rotated.app.request('/performance/status', { headers: bearer(old) })
    await expect401(refused, 'unknown signing key')
  })
})

describe('issuer and audience', () => {
  it('requires the configured iss and aud claims', async () => {
    const secret = newSecret()
    const { app } = await makeApp({
      optimizer,
      config: {
        server: { auth: { jwtSecret: secret, issuer: 'https://issuer.test', audience: 'bi-perf' } },
      },
    })
    const good = await hsToken(secret, { iss: 'https://issuer.test', aud: 'bi-perf' })
    expect((await app.request('/performance/status', { headers: bearer(good) })).status).toBe(200)
    const noIssuer = await hsToken(secret, { aud: 'bi-perf' })
    await expect401(
      await app.request('/performance/status', { headers: bearer(noIssuer) }),
      'issuer not accepted',
    )
    const otherAudience = await hsToken(secret, { iss: 'https://issuer.test', aud: 'other' })
    await expect401(
      await app.request('/performance/status', { headers: bearer(otherAudience) }),
      'audience not accepted',
    )
  })
})

describe('RS256 public key', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    ;({ app } = await makeApp({ optimizer, config: { server: { auth: { jwtPublicKey: pem } } } }))
  })

  it('accepts an RS256 token signed by the private key', async () => {
    const token = await rsToken(privateKey, { role: 'viewer' })
    expect((await app.request('/performance/status', { headers: bearer(token) })).status).toBe(200)
  })

  it('rejects an HS256 token signed with the public key as secret (algorithm confusion)', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pem))
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'algorithm not allowed',
    )
  })

  it('rejects a token signed by another key pair', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const token = await rsToken(other, { role: 'viewer' })
    await expect401(
      await app.request('/performance/status', { headers: bearer(token) }),
      'bad signature',
    )
  })
})

describe('JWKS', () => {
  const keyA = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyB = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyC = generateKeyPairSync('rsa', { modulusLength: 2048 })
  let served: KeyObject[] = []
  let kids = new Map<KeyObject, string>()
  let fetches = 0
  let server: Server
  let jwksUrl: string

  beforeAll(async () => {
    kids = new Map([
      [keyA.publicKey, 'key-a'],
      [keyB.publicKey, 'key-b'],
      [keyC.publicKey, 'key-c'],
    ])
    server = createServer((_request, response) => {
      fetches++
      void Promise.all(
        served.map(async (key) => ({
          ...(await exportJWK(key)),
          kid: kids.get(key),
          alg: 'RS256',
          use: 'sig',
        })),
      ).then((keys) => {
        response.writeHead(200, { 'Content-Type': 'application/json' })
        response.end(JSON.stringify({ keys }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('picks the key by kid and refetches the set when a new kid appears (key rotation)', async () => {
    served = [keyA.publicKey]
    fetches = 0
    const { app } = await makeApp({
      optimizer,
      config: { server: { auth: { jwksUrl } } },
      jwks: { cooldown: 0 },
    })
    const tokenA = await rsToken(keyA.privateKey, { role: 'viewer' }, 'key-a')
    expect((await app.request('/performance/status', { headers: bearer(tokenA) })).status).toBe(200)
    expect(fetches).toBe(1)

    served = [keyA.publicKey, keyB.publicKey]
    const tokenB = await rsToken(keyB.privateKey, { role: 'viewer' }, 'key-b')
    expect((await app.request('/performance/status', { headers: bearer(tokenB) })).status).toBe(200)
    expect(fetches).toBe(2)
    // Both keys now verify from the cached set.
    expect((await app.request('/performance/status', { headers: bearer(tokenA) })).status).toBe(200)
    expect(fetches).toBe(2)
  })

  it('refetches for unknown kids at most once per cooldown', async () => {
    served = [keyA.publicKey]
    fetches = 0
    const { app } = await makeApp({ optimizer, config: { server: { auth: { jwksUrl } } } })
    const tokenA = await rsToken(keyA.privateKey, { role: 'viewer' }, 'key-a')
    expect((await app.request('/performance/status', { headers: bearer(tokenA) })).status).toBe(200)
    const forged = await rsToken(keyC.privateKey, { role: 'admin' }, 'key-c')
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect401(
        await app.request('/performance/status', { headers: bearer(forged) }),
        'unknown signing key',
      )
    }
    expect(fetches).toBe(1)
  })

  it('answers 503 when the key server does not answer in time', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks.json`
      const { app } = await makeApp({
        optimizer,
        config: { server: { auth: { jwksUrl: url } } },
        jwks: { timeout: 200 },
      })
      const token = await rsToken(keyA.privateKey, { role: 'viewer' }, 'key-a')
      const response = await app.request('/performance/status', { headers: bearer(token) })
      expect(response.status).toBe(503)
      expect((await readError(response)).code).toBe('E_API_UNAVAILABLE')
    } finally {
      silent.closeAllConnections()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})

describe('auth configuration', () => {
  it('refuses to build an app without any key', () => {
    const config = testConfig()
    expect(() => createApp({ optimizer, config, logger: silentLogger() })).toThrow(
      /server\.auth.*jwtSecret, jwtPublicKey or jwksUrl/,
    )
  })
})

function rsToken(key: KeyObject, claims: Record<string, unknown>, kid?: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader(kid ? { alg: 'RS256', kid } : { alg: 'RS256' })
    .setSubject('tester')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key)
}
