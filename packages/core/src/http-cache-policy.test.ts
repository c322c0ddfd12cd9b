import { describe, expect, it } from 'vitest'
import {
  conditionalHeaders,
  mergeNotModified,
  parseCacheControl,
  parseVary,
  planStorage,
  REVALIDATION_RETENTION_MS,
  storableHeaders,
  type StorageInput,
} from './http-cache-policy.js'

const NOW = Date.UTC(2026, 0, 1)
const plan = (headers: Record<string, string>, overrides: Partial<StorageInput> = {}) =>
  planStorage({
    status: 200,
    headers,
    request: new Map(),
    now: NOW,
    defaultTtlMs: 300_000,
    ...overrides,
  })

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

describe('planStorage', () => {
  it('takes freshness from max-age, minus Age', () => {
    expect(plan({ 'cache-control': 'max-age=60', age: '10' })).toMatchObject({
      store: true,
      freshUntil: NOW + 50_000,
      retentionMs: 50_000,
    })
  })

  it('uses s-maxage when there is no max-age, and Expires after that', () => {
    expect(plan({ 'cache-control': 's-maxage=30' })).toMatchObject({ freshUntil: NOW + 30_000 })
    expect(
      plan({
        date: new Date(NOW - 5_000).toUTCString(),
        expires: new Date(NOW + 55_000).toUTCString(),
      }),
    ).toMatchObject({ freshUntil: NOW + 60_000 })
  })

  it('falls back to the default ttl without freshness information', () => {
    expect(plan({})).toMatchObject({ store: true, freshUntil: NOW + 300_000 })
  })

  it('treats an invalid Expires or max-age as already stale', () => {
    expect(plan({ expires: '0' })).toMatchObject({ store: false })
    expect(plan({ 'cache-control': 'max-age=soon', etag: '"a"' })).toMatchObject({
      freshUntil: NOW,
    })
  })

  it('refuses no-store on either side, Vary: * and other statuses', () => {
    expect(plan({ 'cache-control': 'no-store' })).toEqual({
      store: false,
      reason: 'response no-store',
    })
    expect(plan({}, { request: parseCacheControl('no-store') })).toMatchObject({ store: false })
    expect(plan({ vary: 'Accept, *' })).toEqual({ store: false, reason: 'Vary: *' })
    for (const status of [201, 204, 206, 302, 304, 500, 503]) {
      expect(plan({ 'cache-control': 'max-age=60' }, { status })).toMatchObject({ store: false })
    }
    for (const status of [200, 203, 301, 404, 410]) {
      expect(plan({}, { status })).toMatchObject({ store: true })
    }
  })

  it('stores no-cache responses only with a validator, stale at once, kept for revalidation', () => {
    expect(plan({ 'cache-control': 'no-cache' })).toMatchObject({ store: false })
    expect(plan({ 'cache-control': 'no-cache', etag: '"a"' })).toMatchObject({
      store: true,
      freshUntil: NOW,
      retentionMs: REVALIDATION_RETENTION_MS,
    })
  })

  it('keeps a validated entry longer than it is fresh', () => {
    expect(plan({ 'cache-control': 'max-age=10', 'last-modified': 'x' })).toMatchObject({
      freshUntil: NOW + 10_000,
      retentionMs: REVALIDATION_RETENTION_MS,
    })
  })

  it('lists the Vary headers lowercase and sorted', () => {
    expect(plan({ vary: 'User-Agent, accept-language' })).toMatchObject({
      vary: ['accept-language', 'user-agent'],
    })
    expect(parseVary(undefined)).toEqual([])
  })
})

describe('headers', () => {
  it('builds conditional headers from the validators', () => {
    expect(conditionalHeaders({ etag: '"a"', 'last-modified': 'Mon' })).toEqual({
      'if-none-match': '"a"',
      'if-modified-since': 'Mon',
    })
    expect(conditionalHeaders({ 'content-type': 'text/plain' })).toBeUndefined()
  })

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
