import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { errorBody } from './errors.js'
import { lingerClose } from './linger-close.js'

/** What Node's parser or timers reported, by its `code`, and how we answer it. */
const ANSWERS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'E_API_HEADERS_TOO_LARGE',
    message: 'request headers larger than 16 KiB',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    code: 'E_API_PAYLOAD_TOO_LARGE',
    message: 'chunk extensions larger than 16 KiB',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'E_API_REQUEST_TIMEOUT',
    message: 'request headers or body not received in time',
  },
}
const MALFORMED = { status: 400, code: 'E_API_BAD_REQUEST', message: 'malformed HTTP request' }

/**
 * The HTTP server's `clientError` listener: a request Node could not parse or that timed out gets
 * the API's JSON error shape (431 `E_API_HEADERS_TOO_LARGE`, 408 `E_API_REQUEST_TIMEOUT`, 400
 * `E_API_BAD_REQUEST`…) with `Connection: close`. A parse error lingers so that the client reads
 * it rather than a reset; a timed-out client is cut at once, since it is slow by definition.
 * When a response is already under way on the socket (`busy`), or the client is gone, the socket
 * is only destroyed: another status line would corrupt the stream. Called again for the same
 * socket (Node reports every later chunk of a broken request), it changes nothing.
 *
 * @example
 * server.on('clientError', (error, socket) => answerClientError(error, socket, isBusy(socket)))
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Socket,
  busy: boolean,
): void {
  if (answered.has(socket)) return
  answered.add(socket)
  if (busy || !socket.writable || error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  const answer = ANSWERS[error.code ?? ''] ?? MALFORMED
  const body = JSON.stringify(errorBody(answer.code, answer.message))
  socket.write(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  )
  if (answer.status === 408) socket.destroy()
  else lingerClose(socket)
}

const answered = new WeakSet<Socket>()
