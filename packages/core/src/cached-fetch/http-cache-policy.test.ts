import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  HttpCacheRules,
  mergeNotModified,
  parseCacheControl,
  parseVary,
  policyRequest,
  REVALIDATION_RETENTION_MS,
  storableHeaders,
  type PolicySettings,
} from './http-cache-policy.js'

const NOW = Date.UTC(2026, 0, 1)
const URL_ = new URL('https://shop.example/prices?page=2')
const privateRules = new HttpCacheRules({ shared: false, heuristicMs: 300_000 })
const sharedRules = new HttpCacheRules({ shared: true, heuristicMs: 300_000 })

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW })
})

afterEach(() => {
  vi.useRealTimers()
})

const request = (headers: Record<string, string> = {}, vary: string[] = []) =>
  policyRequest(URL_, headers, vary)

/** The policy of a 200 received now, its request sent `inFlightMs` earlier. */
function received(
  headers: Record<string, string>,
  {
    rules = privateRules,
    status = 200,
    inFlightMs = 0,
    sent = {},
  }: {
    rules?: HttpCacheRules
    status?: number
    inFlightMs?: number
    sent?: Record<string, string>
  } = {},
) {
  return rules.fromResponse(
    request(sent, parseVary(headers.vary)),
    { status, headers: { date: new Date(NOW).toUTCString(), ...headers } },
    Date.now() - inFlightMs,
  )
}

const later = (ms: number) => vi.setSystemTime(Date.now() + ms)

describe('parseCacheControl', () => {
  it('reads directives case-insensitively, with quoted arguments holding commas', () => {
    const directives = parseCacheControl('Max-Age=60, no-cache="set-cookie, x-id", PRIVATE')
    expect([...directives]).toEqual([
      ['max-age', '60'],
      ['no-cache', 'set-cookie, x-id'],
      ['private', true],
    ])
  })

  it('keeps the first of duplicated directives', () => {
    expect(parseCacheControl('max-age=5, max-age=100').get('max-age')).toBe('5')
  })
})

describe('policyRequest', () => {
  it('keeps directives, and only digests of credentials and of the headers varied on', () => {
    const view = request(
      {
        authorization: 'Bearer s3cret',
        accept: 'text/csv',
        cookie: 'session=1',
        'cache-control': 'max-age=0',
      },
      ['accept'],
    )
    expect(view.url).toBe('/prices?page=2')
    expect(Object.keys(view.headers).sort()).toEqual([
      'accept',
      'authorization',
      'cache-control',
      'host',
    ])
    expect(view.headers['cache-control']).toBe('max-age=0')
    expect(JSON.stringify(view)).not.toMatch(/s3cret|text\/csv|session/)
    expect(request({ accept: 'text/csv' }, ['accept']).headers.accept).toBe(view.headers.accept)
  })
})

describe('storing', () => {
  it('stores private responses in a private cache only', () => {
    const headers = { 'cache-control': 'private, max-age=60' }
    expect(received(headers).worthStoring()).toBe(true)
    expect(received(headers, { rules: sharedRules }).worthStoring()).toBe(false)
  })

  it('stores a response to an authenticated request in a shared cache only when allowed', () => {
    const sent = { authorization: 'Bearer a' }
    const stored = (cacheControl: string) =>
      received({ 'cache-control': cacheControl }, { rules: sharedRules, sent }).worthStoring()
    expect(stored('max-age=60')).toBe(false)
    expect(stored('public, max-age=60')).toBe(true)
    expect(stored('s-maxage=60')).toBe(true)
    expect(stored('max-age=60, must-revalidate')).toBe(true)
  })

  it('refuses no-store, Vary: *, unknown statuses, and responses stale on arrival without a validator', () => {
    expect(received({ 'cache-control': 'no-store, max-age=60' }).worthStoring()).toBe(false)
    expect(received({ 'cache-control': 'max-age=60', vary: 'Accept, *' }).worthStoring()).toBe(
      false,
    )
    for (const status of [201, 206, 500, 503]) {
      expect(received({ 'cache-control': 'max-age=60' }, { status }).worthStoring()).toBe(false)
    }
    expect(received({ 'cache-control': 'max-age=0' }).worthStoring()).toBe(false)
    expect(received({ 'cache-control': 'no-cache' }).worthStoring()).toBe(false)
    expect(received({ 'cache-control': 'no-cache', etag: '"a"' }).worthStoring()).toBe(true)
  })

  it('keeps an entry for its freshness and stale-while-revalidate window, a day with a validator', () => {
    expect(received({ 'cache-control': 'max-age=60' }).retentionMs()).toBe(60_000)
    expect(
      received({ 'cache-control': 'max-age=60, stale-while-revalidate=30' }).retentionMs(),
    ).toBe(90_000)
    expect(received({ 'cache-control': 'max-age=60', etag: '"a"' }).retentionMs()).toBe(
      REVALIDATION_RETENTION_MS,
    )
    expect(received({ 'cache-control': 'max-age=99999999' }).retentionMs()).toBe(365 * 86_400_000)
  })
})

describe('freshness', () => {
  it('ignores s-maxage in a private cache and applies it in a shared one', () => {
    const headers = { 'cache-control': 'max-age=0, s-maxage=60', etag: '"a"' }
    expect(received(headers).evaluate(request()).decision).toBe('revalidate')
    expect(received(headers, { rules: sharedRules }).evaluate(request()).decision).toBe('fresh')
  })

  it('counts Age from the request time, so time in flight ages the response', () => {
    const policy = received({ 'cache-control': 'max-age=12', age: '10' }, { inFlightMs: 1_500 })
    expect(policy.responseHeaders().age).toBe('12')
    expect(policy.evaluate(request()).decision).toBe('fresh')
    later(1_000)
    expect(policy.responseHeaders().age).toBe('13')
    expect(policy.evaluate(request()).decision).toBe('revalidate')
  })

  it('serves the origin Date, and gives a response without one the time it arrived', () => {
    const origin = 'Wed, 31 Dec 2025 23:59:00 GMT'
    const withDate = received({ 'cache-control': 'max-age=600', date: origin })
    later(5_000)
    expect(withDate.responseHeaders().date).toBe(origin)
    const withoutDate = privateRules.fromResponse(
      request(),
      { status: 200, headers: { 'cache-control': 'max-age=600' } },
      Date.now(),
    )
    later(5_000)
    expect(withoutDate.responseHeaders().date).toBe(new Date(NOW + 5_000).toUTCString())
  })

  it('takes 10 % of the time since Last-Modified as heuristic freshness, bounded by the ttl', () => {
    const modified = (secondsAgo: number) => ({
      'last-modified': new Date(NOW - secondsAgo * 1000).toUTCString(),
    })
    const recent = received(modified(1_000))
    later(99_000)
    expect(recent.evaluate(request()).decision).toBe('fresh')
    later(2_000)
    expect(recent.evaluate(request()).decision).toBe('revalidate')

    const rules = new HttpCacheRules({ shared: false, heuristicMs: 60_000 })
    const old = received(modified(365 * 86_400), { rules })
    later(59_000)
    expect(old.evaluate(request()).decision).toBe('fresh')
    later(2_000)
    expect(old.evaluate(request()).decision).toBe('revalidate')
  })

  it('uses the ttl without Last-Modified, and never when freshness is explicit or forbidden', () => {
    const settings: PolicySettings = { shared: false, heuristicMs: 300_000 }
    const rules = new HttpCacheRules(settings)
    const plain = received({}, { rules })
    const explicit = received({ 'cache-control': 'max-age=10' }, { rules })
    const expired = received({ expires: '0', etag: '"a"' }, { rules })
    const redirect = received({ location: '/elsewhere' }, { rules, status: 302 })
    later(200_000)
    expect(plain.evaluate(request()).decision).toBe('fresh')
    expect(explicit.evaluate(request()).decision).toBe('revalidate')
    expect(expired.evaluate(request()).decision).toBe('revalidate')
    expect(redirect.worthStoring()).toBe(false)
    later(100_001)
    expect(plain.evaluate(request()).decision).toBe('revalidate')
  })
})

describe('request directives', () => {
  it('revalidates for no-cache, Pragma: no-cache, an exceeded max-age or an unmet min-fresh', () => {
    const policy = received({ 'cache-control': 'max-age=600', age: '30' })
    const decide = (headers: Record<string, string>) => policy.evaluate(request(headers)).decision
    expect(decide({ 'cache-control': 'no-cache' })).toBe('revalidate')
    expect(decide({ pragma: 'no-cache' })).toBe('revalidate')
    expect(decide({ 'cache-control': 'max-age=0' })).toBe('revalidate')
    expect(decide({ 'cache-control': 'max-age=29' })).toBe('revalidate')
    expect(decide({ 'cache-control': 'max-age=31' })).toBe('fresh')
    expect(decide({ 'cache-control': 'min-fresh=570' })).toBe('fresh')
    expect(decide({ 'cache-control': 'min-fresh=571' })).toBe('revalidate')
  })

  it('accepts a stale response within max-stale, unless it must be revalidated', () => {
    const plain = received({ 'cache-control': 'max-age=10' })
    const strict = received({ 'cache-control': 'max-age=10, must-revalidate' })
    later(15_000)
    expect(plain.evaluate(request({ 'cache-control': 'max-stale=10' })).decision).toBe('fresh')
    expect(plain.evaluate(request({ 'cache-control': 'max-stale=2' })).decision).toBe('revalidate')
    expect(strict.evaluate(request({ 'cache-control': 'max-stale=10' })).decision).toBe(
      'revalidate',
    )
  })
})

describe('must-revalidate and stale-while-revalidate', () => {
  it('serves a must-revalidate response while fresh, and only after revalidation once stale', () => {
    const policy = received({ 'cache-control': 'max-age=60, must-revalidate' })
    expect(policy.evaluate(request()).decision).toBe('fresh')
    expect(policy.evaluate(request({ 'cache-control': 'min-fresh=61' })).decision).toBe(
      'revalidate',
    )
    later(61_000)
    expect(policy.evaluate(request()).decision).toBe('revalidate')
  })

  it('serves stale within the stale-while-revalidate window, then revalidates', () => {
    const policy = received({ 'cache-control': 'max-age=60, stale-while-revalidate=30' })
    later(70_000)
    expect(policy.evaluate(request()).decision).toBe('stale-while-revalidate')
    later(30_000)
    expect(policy.evaluate(request()).decision).toBe('revalidate')
  })

  it('never serves stale what must be revalidated, whatever the window', () => {
    for (const cacheControl of [
      'max-age=60, must-revalidate, stale-while-revalidate=600',
      'no-cache, stale-while-revalidate=600',
    ]) {
      const policy = received({ 'cache-control': cacheControl, etag: '"a"' })
      later(70_000)
      expect(policy.evaluate(request()).decision).toBe('revalidate')
    }
    const proxy = { 'cache-control': 'max-age=60, proxy-revalidate, stale-while-revalidate=600' }
    const shared = received(proxy, { rules: sharedRules })
    later(70_000)
    expect(shared.evaluate(request()).decision).toBe('revalidate')
  })
})

describe('revalidation', () => {
  it('asks with the stored validators', () => {
    const policy = received({ etag: '"a"', 'last-modified': 'Mon, 01 Dec 2025 00:00:00 GMT' })
    expect(policy.conditionalHeaders(request())).toEqual({
      'if-none-match': '"a"',
      'if-modified-since': 'Mon, 01 Dec 2025 00:00:00 GMT',
    })
    expect(received({}).conditionalHeaders(request())).toEqual({})
  })

  it('updates the stored headers from a matching 304, adding new ones and resetting Age', () => {
    const stored = received({
      etag: '"a"',
      expires: '0',
      age: '50',
      'content-length': '5',
    })
    later(10_000)
    const refreshed = stored.revalidated(
      request(),
      {
        status: 304,
        headers: { etag: '"a"', 'cache-control': 'max-age=60', 'content-length': '0' },
      },
      Date.now(),
    )
    expect(refreshed?.evaluate(request()).decision).toBe('fresh')
    expect(refreshed?.responseHeaders()).toMatchObject({
      'cache-control': 'max-age=60',
      'content-length': '5',
      age: '0',
    })
  })

  it('does not update from a 304 whose validator does not match', () => {
    const stored = received({ etag: '"a"', 'cache-control': 'no-cache' })
    const notMatching = { status: 304, headers: { etag: '"b"', 'cache-control': 'max-age=60' } }
    expect(stored.revalidated(request(), notMatching, Date.now())).toBeUndefined()
  })
})

describe('storage format', () => {
  it('round-trips through toObject, and reads anything else as nothing', () => {
    const policy = received({ 'cache-control': 'max-age=60', vary: 'Accept' })
    const restored = privateRules.fromObject(JSON.parse(JSON.stringify(policy.toObject())))
    expect(restored?.vary).toEqual(['accept'])
    expect(restored?.evaluate(request()).decision).toBe('fresh')
    expect(privateRules.fromObject(undefined)).toBeUndefined()
    expect(privateRules.fromObject({ status: 200, freshUntil: 0, headers: {} })).toBeUndefined()
  })
})

describe('headers', () => {
  it('stores no hop-by-hop headers and no Set-Cookie, joining repeated ones', () => {
    expect(
      storableHeaders({
        Connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=1', 'b=2'],
        link: ['<a>', '<b>'],
        'content-type': 'text/plain',
      }),
    ).toEqual({ link: '<a>, <b>', 'content-type': 'text/plain' })
  })

  it('updates stored headers from a 304 but keeps those describing the body', () => {
    expect(
      mergeNotModified(
        { 'content-length': '10', 'cache-control': 'max-age=1', etag: '"a"', age: '50' },
        { 'content-length': '0', 'cache-control': 'max-age=60', date: 'Thu' },
      ),
    ).toEqual({ 'content-length': '10', 'cache-control': 'max-age=60', etag: '"a"', date: 'Thu' })
  })
})
