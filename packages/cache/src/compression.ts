import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { compressSync, uncompressSync } from 'lz4-napi'
import { CorruptEntryError } from './errors.js'
import type { CompressionCodec } from './types.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** The first byte of every stored entry names its codec, so any reader decodes any entry. */
export const CODEC_BYTE = { none: 0, lz4: 1, gzip: 2 } as const satisfies Record<
  CompressionCodec,
  number
>

/** Compresses with the codec; `none` returns the input. LZ4 runs inline (microseconds), gzip on the thread pool. */
export async function compress(codec: CompressionCodec, bytes: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'lz4':
      return compressSync(bytes)
    case 'gzip':
      return gzipAsync(bytes)
    case 'none':
      return bytes
  }
}

/** Reverses {@link compress} for the synchronous codecs named by a stored entry's first byte. */
export function decompressSync(codecByte: number, bytes: Buffer): Buffer {
  switch (codecByte) {
    case CODEC_BYTE.none:
      return bytes
    case CODEC_BYTE.lz4:
      return uncompressSync(bytes)
    default:
      throw new CorruptEntryError(`unknown codec byte ${codecByte}`)
  }
}

/** Reverses gzip compression on the thread pool. */
export function decompressAsync(bytes: Buffer): Promise<Buffer> {
  return gunzipAsync(bytes)
}
