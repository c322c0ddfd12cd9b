import { createHash } from 'node:crypto'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { ContentCoding } from './accept-encoding.js'

/**
 * Bodies shorter than this many bytes are always sent as they are: compressing them saves less
 * than the `Content-Encoding` header and the work cost.
 */
export const COMPRESSION_THRESHOLD = 1024

/**
 * Brotli quality for cached bodies. 11 (the maximum) costs ~30× the time of 5 for a few percent
 * fewer bytes; a body is compressed once per change, yet a status body changes ten times a second.
 */
const BROTLI_QUALITY = 5

/** One JSON body, serialized once, with its strong ETag and its compressed forms made on demand. */
export interface EncodedBody {
  /** The JSON text's UTF-8 bytes. */
  readonly identity: Buffer
  /** The strong ETag of the identity bytes, quoted (`"…"`). */
  readonly etag: string
  /** Whether {@link EncodedBody.encoded} compresses (the body reaches the threshold). */
  readonly compressible: boolean
  /**
   * The bytes for `coding` and their ETag (the identity ETag with `-br` / `-gzip` appended: each
   * coding is its own representation). Compressed once, on first use, then kept.
   */
  encoded(coding: ContentCoding): { bytes: Buffer; etag: string; coding: ContentCoding }
}

/**
 * Serializes nothing itself: wraps JSON text already made, hashes it (SHA-1, base64url — the tag
 * only needs to change when the bytes do) and compresses lazily, so a body asked for only as
 * gzip never pays for brotli.
 *
 * @example
 * const body = encodeJsonBody(JSON.stringify(dashboard))
 * body.encoded('gzip').bytes
 */
export function encodeJsonBody(json: string, threshold = COMPRESSION_THRESHOLD): EncodedBody {
  const identity = Buffer.from(json)
  const hash = createHash('sha1').update(identity).digest('base64url')
  const etag = `"${hash}"`
  const compressible = identity.byteLength >= threshold
  const plain = { bytes: identity, etag, coding: 'identity' as const }
  let gzip: { bytes: Buffer; etag: string; coding: 'gzip' } | undefined
  let br: { bytes: Buffer; etag: string; coding: 'br' } | undefined
  return {
    identity,
    etag,
    compressible,
    encoded(coding) {
      if (!compressible || coding === 'identity') return plain
      if (coding === 'gzip') {
        gzip ??= { bytes: gzipSync(identity), etag: `"${hash}-gzip"`, coding }
        return gzip
      }
      br ??= {
        bytes: brotliCompressSync(identity, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: identity.byteLength,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        }),
        etag: `"${hash}-br"`,
        coding,
      }
      return br
    },
  }
}

/**
 * Remembers the body of the last value it was given: the same value (by identity) gets the same
 * {@link EncodedBody} without serializing, and a new value that serializes to the same text
 * keeps the old one too, so its ETag survives a recomputation that changed nothing.
 *
 * @example
 * const bodyOf = memoizeBody((status: OptimizerStatus) => JSON.stringify(status))
 * bodyOf(status()).etag
 */
export function memoizeBody<T extends object>(
  serialize: (value: T) => string,
  threshold = COMPRESSION_THRESHOLD,
): (value: T) => EncodedBody {
  let lastValue: T | undefined
  let lastJson = ''
  let lastBody: EncodedBody | undefined
  return (value) => {
    if (lastBody && value === lastValue) return lastBody
    const json = serialize(value)
    lastValue = value
    if (lastBody && json === lastJson) return lastBody
    lastJson = json
    lastBody = encodeJsonBody(json, threshold)
    return lastBody
  }
}
