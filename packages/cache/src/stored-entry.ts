import { CODEC_BYTE, compress, decompress } from './compression.js'
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

/** Reads the stored form back into the serialized value and its deadlines. */
export async function decodeEntry(data: Buffer): Promise<EntryTimes & { payload: Buffer }> {
  if (data.length < HEADER_BYTES) throw new CorruptEntryError(`only ${data.length} bytes`)
  const payload = await decompress(data[0]!, data.subarray(HEADER_BYTES))
  return { payload, freshUntil: data.readDoubleBE(1), staleUntil: data.readDoubleBE(9) }
}
