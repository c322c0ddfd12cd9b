import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CODEC_BYTE } from './compression.js'
import { CorruptEntryError } from './errors.js'
import { decodeEntry, encodeEntry, SHAPE_REF_FLAG, WRITTEN_AT_FLAG } from './stored-entry.js'

const times = {
  freshUntil: 1_800_000_000_000,
  staleUntil: 1_800_000_060_000,
  writtenAt: 1_799_999_000_000,
}
const compressible = Buffer.from('quarterly revenue by region '.repeat(200))

describe('stored entries', () => {
  it.each(['lz4', 'gzip'] as const)(
    'compresses with %s above the threshold and decodes back',
    async (codec) => {
      const encoded = await encodeEntry(compressible, times, codec, 1024)
      expect(encoded.compressed).toBe(true)
      expect(encoded.data[0]).toBe(CODEC_BYTE[codec] | WRITTEN_AT_FLAG | SHAPE_REF_FLAG)
      expect(encoded.data.length).toBeLessThan(compressible.length)
      expect(encoded.bytesSaved).toBeGreaterThan(0)
      const decoded = await decodeEntry(encoded.data)
      expect(decoded.payload.equals(compressible)).toBe(true)
      expect(decoded.freshUntil).toBe(times.freshUntil)
      expect(decoded.staleUntil).toBe(times.staleUntil)
      expect(decoded.writtenAt).toBe(times.writtenAt)
    },
  )

  it('leaves values at or below the threshold uncompressed', async () => {
    const small = Buffer.from('x'.repeat(1024))
    const encoded = await encodeEntry(small, times, 'lz4', 1024)
    expect(encoded.compressed).toBe(false)
    expect(encoded.data[0]).toBe(CODEC_BYTE.none | WRITTEN_AT_FLAG | SHAPE_REF_FLAG)
  })

  it('never stores a compressed form that is not smaller', async () => {
    const noise = randomBytes(8192)
    for (const codec of ['lz4', 'gzip'] as const) {
      const encoded = await encodeEntry(noise, times, codec, 1024)
      expect(encoded.compressed).toBe(false)
      expect(encoded.data.length).toBe(noise.length + 25)
    }
  })

  it('reads entries of the earlier layout, without a write time, as written at time 0', () => {
    const legacy = Buffer.alloc(17 + 3)
    legacy[0] = CODEC_BYTE.none
    legacy.writeDoubleBE(times.freshUntil, 1)
    legacy.writeDoubleBE(times.staleUntil, 9)
    Buffer.from('abc').copy(legacy, 17)
    const decoded = decodeEntry(legacy) as Awaited<ReturnType<typeof decodeEntry>>
    // A bare body of the earlier layouts comes back behind a generation-0 shape reference.
    expect([...decoded.payload.subarray(0, 6)]).toEqual([0, 0, 0, 0, 0, 0])
    expect(decoded.payload.subarray(6).toString()).toBe('abc')
    expect(decoded.freshUntil).toBe(times.freshUntil)
    expect(decoded.writtenAt).toBe(0)
  })

  it('reads entries with a write time but no shape reference as self-describing bodies', async () => {
    const current = await encodeEntry(Buffer.from('abcdef-body'), times, 'none', 1024)
    current.data[0] = current.data[0]! & ~SHAPE_REF_FLAG
    const decoded = decodeEntry(current.data) as Awaited<ReturnType<typeof decodeEntry>>
    expect(decoded.payload.subarray(6).toString()).toBe('abcdef-body')
    expect(decoded.payload.readUInt32BE(0)).toBe(0)
    expect(decoded.writtenAt).toBe(times.writtenAt)
  })

  it('rejects truncated and unknown-codec entries with a typed error', () => {
    expect(() => decodeEntry(Buffer.from([1, 2]))).toThrow(CorruptEntryError)
    const bogus = Buffer.alloc(20)
    bogus[0] = 9
    expect(() => decodeEntry(bogus)).toThrow(/unknown codec byte 9/)
  })
})
