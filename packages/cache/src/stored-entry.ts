import { CODEC_BYTE, compress, decompressAsync, decompressSync } from './compression.js'
import { CorruptEntryError } from './errors.js'
import type { CompressionCodec } from './types.js'
import { fromSelfDescribing } from './value-codec.js'

/**
 * Layout of a value in Redis: 1 byte codec, 8 bytes fresh-until, 8 bytes stale-until and 8 bytes
 * written-at (milliseconds since the epoch, float64 big-endian), then the (maybe compressed)
 * payload. Keeping both deadlines in the entry lets any instance serve it stale within its grace
 * window; the write time lets a replayed invalidation remove only entries older than itself.
 *
 * The codec byte carries {@link WRITTEN_AT_FLAG}; entries of earlier versions lack it and the
 * write time (17-byte header), still decode, and count as written at time 0. It also carries
 * {@link SHAPE_REF_FLAG}: the payload starts with a shape reference (`ValueCodec`). Entries
 * without it hold a bare self-describing body, which decodes as generation 0. Versions before
 * the flag read an entry carrying it as an unknown codec: a miss, never a wrong value.
 */
const HEADER_BYTES = 25
const LEGACY_HEADER_BYTES = 17
/** Set in the codec byte of entries that carry their write time. */
export const WRITTEN_AT_FLAG = 0x80
/** Set in the codec byte of entries whose payload starts with a shape reference. */
export const SHAPE_REF_FLAG = 0x40
/** Offset of the write time, for scripts that read it in Redis. */
export const WRITTEN_AT_OFFSET = 17

/** A serialized value's deadlines and write time. */
export interface EntryTimes {
  /** Until when the value is fresh (epoch ms). */
  freshUntil: number
  /** Until when the value may be served stale (epoch ms); equals `freshUntil` without grace. */
  staleUntil: number
  /** When the writer made it (epoch ms, the writer's clock); 0 when unknown. */
  writtenAt: number
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
  data[0] = codecByte | WRITTEN_AT_FLAG | SHAPE_REF_FLAG
  data.writeDoubleBE(times.freshUntil, 1)
  data.writeDoubleBE(times.staleUntil, 9)
  data.writeDoubleBE(times.writtenAt, WRITTEN_AT_OFFSET)
  body.copy(data, HEADER_BYTES)
  const compressed = codecByte !== CODEC_BYTE.none
  return { data, compressed, bytesSaved: compressed ? payload.length - body.length : 0 }
}

/**
 * Reads the stored form back into the serialized value, its deadlines and write time.
 * Synchronous for uncompressed and LZ4 entries (the common, fast path); gzip entries decompress
 * on the thread pool.
 */
export function decodeEntry(data: Buffer): DecodedEntry | Promise<DecodedEntry> {
  if (data.length < LEGACY_HEADER_BYTES) throw new CorruptEntryError(`only ${data.length} bytes`)
  const flagged = data[0]! & WRITTEN_AT_FLAG
  if (flagged && data.length < HEADER_BYTES) {
    throw new CorruptEntryError(`only ${data.length} bytes`)
  }
  const freshUntil = data.readDoubleBE(1)
  const staleUntil = data.readDoubleBE(9)
  const writtenAt = flagged ? data.readDoubleBE(WRITTEN_AT_OFFSET) : 0
  const body = data.subarray(flagged ? HEADER_BYTES : LEGACY_HEADER_BYTES)
  const referenced = (data[0]! & SHAPE_REF_FLAG) !== 0
  const codecByte = data[0]! & ~(WRITTEN_AT_FLAG | SHAPE_REF_FLAG)
  const entry = (payload: Buffer): DecodedEntry => ({
    payload: referenced ? payload : fromSelfDescribing(payload),
    freshUntil,
    staleUntil,
    writtenAt,
  })
  if (codecByte === CODEC_BYTE.gzip) return decompressAsync(body).then(entry)
  return entry(decompressSync(codecByte, body))
}

/** A stored entry read back. */
export interface DecodedEntry extends EntryTimes {
  payload: Buffer
}
