import pino, { type Logger } from 'pino'

/** Bytes of log lines gathered before one write to stdout. */
const BUFFER_BYTES = 4096
/** The longest a line waits in that buffer. */
const FLUSH_EVERY_MS = 1000

/**
 * The process logger: structured JSON lines on stdout with ISO times. Lines are written in
 * batches of 4 KiB, at least once a second and on exit (an access line per request would
 * otherwise cost a write per request); `authorization` and `token` fields are redacted should
 * anyone log them.
 *
 * @example
 * const logger = createLogger(config.server.logLevel)
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Exact paths: wildcard paths cost more on every line, and nothing logs headers.
    redact: { paths: ['authorization', 'headers.authorization', 'token'], censor: '[redacted]' },
  }
  if (destination) return pino(options, destination)
  const stdout = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES })
  setInterval(() => stdout.flush(), FLUSH_EVERY_MS).unref()
  return pino(options, stdout)
}
