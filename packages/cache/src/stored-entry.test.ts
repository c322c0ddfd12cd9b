import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CODEC_BYTE } from './compression.js'
import { CorruptEntryError } from './errors.js'
import { decodeEntry, encodeEntry } from './stored-entry.js'

const times = { freshUntil: 1_800_000_000_000, staleUntil: 1_800_000_060_000 }
const compressible = Buffer.from('quarterly revenue by region '.repeat(200))

describe('stored entries', () => {
  it.each(['lz4', 'gzip'] as const)(
    'compresses with %s above the threshold and decodes back',
    async (codec) => {
      const encoded = await encodeEntry(compressible, times, codec, 1024)
      expect(encoded.compressed).toBe(true)
      expect(encoded.data[0]).toBe(CODEC_BYTE[codec])
      expect(encoded.data.length).toBeLessThan(compressible.length)
      expect(encoded.bytesSaved).toBeGreaterThan(0)
      const decoded = await decodeEntry(encoded.data)
      expect(decoded.payload.equals(compressible)).toBe(true)
      expect(decoded.freshUntil).toBe(times.freshUntil)
      expect(decoded.staleUntil).toBe(times.staleUntil)
    },
  )

  it('leaves values at or below the threshold uncompressed', async () => {
    const small = Buffer.from('x'.repeat(1024))
    const encoded = await encodeEntry(small, times, 'lz4', 1024)
    expect(encoded.compressed).toBe(false)
    expect(encoded.data[0]).toBe(CODEC_BYTE.none)
  })

  it('never stores a compressed form that is not smaller', async () => {
    const noise = randomBytes(8192)
    for (const codec of ['lz4', 'gzip'] as const) {
      const encoded = await encodeEntry(noise, times, codec, 1024)
      expect(encoded.compressed).toBe(false)
      expect(encoded.data.length).toBe(noise.length + 17)
    }
  })

  it('rejects truncated and unknown-codec entries with a typed error', () => {
    expect(() => decodeEntry(Buffer.from([1, 2]))).toThrow(CorruptEntryError)
    const bogus = Buffer.alloc(20)
    bogus[0] = 9
    expect(() => decodeEntry(bogus)).toThrow(/unknown codec byte 9/)
  })
})
