import { errors as undiciErrors, request, type Dispatcher } from 'undici'
import { FetchFailedError } from '../errors.js'
import { storableHeaders } from './http-cache-policy.js'

/** A complete response from an origin. */
export interface UpstreamResponse {
  status: number
  /** Lowercase names, hop-by-hop headers and `Set-Cookie` removed. */
  headers: Record<string, string>
  /** `Set-Cookie` values, handed to the caller that made the request but never stored. */
  setCookie: string | undefined
  body: Buffer
}

/** What {@link fetchUpstream} needs besides the URL and headers. */
export interface UpstreamSettings {
  dispatcher: Dispatcher
  /** Aborts when the deadline passes or every caller gave up. */
  signal: AbortSignal
  /** Tells a timeout from an abandoned request. */
  deadline: AbortSignal
  timeoutMs: number
  maxBodyBytes: number
}

/**
 * One GET through undici's `request()` (no redirects followed), body read up to `maxBodyBytes`.
 * Network errors, timeouts and oversized bodies reject with `FetchFailedError`, which names the
 * URL without its query string; an abandoned request rejects with the abort reason.
 */
export async function fetchUpstream(
  url: URL,
  headers: Record<string, string>,
  settings: UpstreamSettings,
): Promise<UpstreamResponse> {
  const { signal, deadline, maxBodyBytes } = settings
  try {
    const response = await request(url, {
      method: 'GET',
      headers,
      dispatcher: settings.dispatcher,
      signal,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    })
    const declared = Number(response.headers['content-length'])
    if (declared > maxBodyBytes) {
      response.body.destroy()
      throw tooLarge(url, maxBodyBytes)
    }
    const chunks: Buffer[] = []
    let received = 0
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      received += chunk.length
      if (received > maxBodyBytes) {
        response.body.destroy()
        throw tooLarge(url, maxBodyBytes)
      }
      chunks.push(chunk)
    }
    const setCookie = response.headers['set-cookie']
    return {
      status: response.statusCode,
      headers: storableHeaders(response.headers),
      setCookie: Array.isArray(setCookie) ? setCookie.join(', ') : setCookie,
      body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received),
    }
  } catch (error) {
    if (error instanceof FetchFailedError) throw error
    if (deadline.aborted || isTimeout(error)) {
      throw new FetchFailedError(withoutQuery(url), `timed out after ${settings.timeoutMs} ms`, {
        cause: error,
      })
    }
    if (signal.aborted) throw signal.reason
    throw new FetchFailedError(withoutQuery(url), describeFailure(error), { cause: error })
  }
}

/** The URL as errors may show it: no credentials, query string or fragment. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`
}

function tooLarge(url: URL, maxBodyBytes: number): FetchFailedError {
  return new FetchFailedError(
    withoutQuery(url),
    `the response body exceeds maxBodyBytes (${maxBodyBytes} bytes)`,
  )
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  )
}

/**
 * A reason built from error codes, not messages: messages of lower layers are not ours to vet
 * for secrets, and the full error stays available as `cause`.
 */
function describeFailure(error: unknown): string {
  const codes: string[] = []
  for (let current = error; current instanceof Error && codes.length < 3;) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && !codes.includes(code)) codes.push(code)
    current = current.cause
  }
  return codes.length > 0 ? `network error (${codes.join(', ')})` : 'network error'
}
