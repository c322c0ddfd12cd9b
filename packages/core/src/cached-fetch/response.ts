import { TextDecoder } from 'node:util'
import type { CachedResponse } from './types.js'

/** The fields of a response, shared by every caller of one request. */
export interface ResponseData {
  status: number
  headers: Record<string, string>
  body: Buffer
  url: string
  fromCache: boolean
  revalidated: boolean
}

/**
 * A response handed to one caller: its own headers object (callers of a shared request cannot
 * see each other's changes); the body buffer is shared and meant to be read, not written.
 */
export class CachedFetchResponse implements CachedResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
  readonly url: string
  readonly fromCache: boolean
  readonly revalidated: boolean

  constructor(data: ResponseData) {
    this.status = data.status
    this.headers = { ...data.headers }
    this.body = data.body
    this.url = data.url
    this.fromCache = data.fromCache
    this.revalidated = data.revalidated
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  text(): string {
    return decoderFor(this.headers['content-type']).decode(this.body)
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T
  }
}

const decoders = new Map<string, TextDecoder>()
const utf8 = new TextDecoder()

/** A decoder for the `charset` of a content type; UTF-8 when absent or unknown. */
function decoderFor(contentType: string | undefined): TextDecoder {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase()
  if (!charset || charset === 'utf-8' || charset === 'utf8') return utf8
  let decoder = decoders.get(charset)
  if (decoder) return decoder
  try {
    decoder = new TextDecoder(charset)
  } catch {
    // Unknown names are not remembered, so servers cannot grow the map.
    return utf8
  }
  decoders.set(charset, decoder)
  return decoder
}
