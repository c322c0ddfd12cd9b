import { CODEC_BYTE, compress, decompressAsync, decompressSync } from './compression.js'
import { CorruptEntryError } from './errors.js'
import type { CompressionCodec } from './types.js'

/**
 * Layout of a value in Redis: 1 byte codec, 8 bytes fresh-until and 8 bytes stale-until
 * (milliseconds since the epoch, float64 big-endian), then the (maybe compressed) payload.
 * Keeping both deadlines in the entry lets any instance serve it stale within its grace window.
 */
const HEADER_BYTES = 17

/** A serialized value with its deadlines. */
export interface EntryTimes {
  /** Until when the value is fresh (epoch ms). */
  freshUntil: number
  /** Until when the value may be served stale (epoch ms); equals `freshUntil` without grace. */
  staleUntil: number
}

export interface EncodedEntry {
  data: Buffer
  /** Whether the payload was stored compressed, and how many bytes that saved. */
  compressed: boolean
  bytesSaved: number
}

/**
 * Builds the stored form. The payload is compressed when above `threshold` and only kept
 * compressed when that is smaller.
 */
export async function encodeEntry(
  payload: Buffer,
  times: EntryTimes,
  codec: CompressionCodec,
  threshold: number,
): Promise<EncodedEntry> {
  let body = payload
  let codecByte: number = CODEC_BYTE.none
  if (codec !== 'none' && payload.length > threshold) {
    const packed = await compress(codec, payload)
    if (packed.length < payload.length) {
      body = packed
      codecByte = CODEC_BYTE[codec]
    }
  }
  const data = Buffer.allocUnsafe(HEADER_BYTES + body.length)
  data[0] = codecByte
  data.writeDoubleBE(times.freshUntil, 1)
  data.writeDoubleBE(times.staleUntil, 9)
  body.copy(data, HEADER_BYTES)
  const compressed = codecByte !== CODEC_BYTE.none
  return { data, compressed, bytesSaved: compressed ? payload.length - body.length : 0 }
}

/**
 * Reads the stored form back into the serialized value and its deadlines. Synchronous for
 * uncompressed and LZ4 entries (the common, fast path); gzip entries decompress on the thread pool.
 */
export function decodeEntry(data: Buffer): DecodedEntry | Promise<DecodedEntry> {
  if (data.length < HEADER_BYTES) throw new CorruptEntryError(`only ${data.length} bytes`)
  const freshUntil = data.readDoubleBE(1)
  const staleUntil = data.readDoubleBE(9)
  const body = data.subarray(HEADER_BYTES)
  const codecByte = data[0]!
  if (codecByte === CODEC_BYTE.gzip) {
    return decompressAsync(body).then((payload) => ({ payload, freshUntil, staleUntil }))
  }
  return { payload: decompressSync(codecByte, body), freshUntil, staleUntil }
}

/** A stored entry read back. */
export interface DecodedEntry extends EntryTimes {
  payload: Buffer
}
