import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encodeJsonBody, memoizeBody } from './encoded-body.js'

const large = JSON.stringify({ rows: Array.from({ length: 200 }, (_, index) => ({ index })) })

describe('encodeJsonBody', () => {
  it('gives equal text the same strong ETag and different text another', () => {
    expect(encodeJsonBody(large).etag).toBe(encodeJsonBody(large).etag)
    expect(encodeJsonBody(large).etag).toMatch(/^"[\w-]+"$/)
    expect(encodeJsonBody('{"a":1}').etag).not.toBe(encodeJsonBody('{"a":2}').etag)
  })

  it('compresses from the threshold, each coding with its own ETag, once', () => {
    const body = encodeJsonBody(large)
    expect(body.compressible).toBe(true)
    const gzip = body.encoded('gzip')
    const br = body.encoded('br')
    expect(gunzipSync(gzip.bytes).toString()).toBe(large)
    expect(brotliDecompressSync(br.bytes).toString()).toBe(large)
    expect(new Set([body.etag, gzip.etag, br.etag]).size).toBe(3)
    expect(body.encoded('gzip')).toBe(gzip)
  })

  it('sends a body below the threshold as it is, whatever the coding asked', () => {
    const body = encodeJsonBody('{"ok":true}')
    expect(body.compressible).toBe(false)
    expect(body.encoded('br')).toEqual({
      bytes: body.identity,
      etag: body.etag,
      coding: 'identity',
    })
  })
})

describe('memoizeBody', () => {
  it('serializes a value once, and keeps the body when a new value serializes alike', () => {
    let serialized = 0
    const bodyOf = memoizeBody((value: { n: number }) => {
      serialized++
      return JSON.stringify(value)
    })
    const first = { n: 1 }
    const body = bodyOf(first)
    expect(bodyOf(first)).toBe(body)
    expect(serialized).toBe(1)
    expect(bodyOf({ n: 1 })).toBe(body)
    expect(bodyOf({ n: 2 }).etag).not.toBe(body.etag)
  })
})
