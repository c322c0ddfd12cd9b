import pino, { type Logger } from 'pino'
import {
  createLogDestination,
  type LogDestination,
  type LogDestinationStats,
} from './log-destination.js'
import { prettyDestination, type LogFormat } from './pretty-log.js'

let stdout: LogDestination | undefined

/**
 * The process logger: structured JSON lines with ISO times, on stdout unless `destination` says
 * otherwise; `authorization` and `token` fields are redacted should anyone log them. Stdout goes
 * through {@link stdoutLog}, which never blocks the process: a reader that stops reading costs
 * dropped lines (counted), never a stalled server or a shutdown that hangs. With `format`
 * `pretty` each line is rewritten for people (`21:04:05 WARN  message key=value`) on its way out.
 *
 * @example
 * const logger = createLogger(config.server.logLevel, undefined, 'pretty')
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const options: pino.LoggerOptions = {
    level,
    timestamp: isoTimeOncePerMillisecond,
    formatters: { level: (label) => ({ level: label }) },
    // Exact paths: wildcard paths cost more on every line, and nothing logs headers.
    redact: { paths: ['authorization', 'headers.authorization', 'token'], censor: '[redacted]' },
  }
  const target = destination ?? stdoutLog()
  return pino(options, format === 'pretty' ? prettyDestination(target) : target)
}

/**
 * The process's one destination for stdout, created on first use: lines written in batches
 * (16 KiB or 100 ms), at most 1 MiB waiting for a slow reader, whole lines beyond dropped and
 * counted. At exit it makes one last write, which never blocks (pino's own stdout destination
 * would flush synchronously there, retrying for as long as the pipe stays full).
 *
 * @example
 * await stdoutLog().drain(1_000)
 */
export function stdoutLog(): LogDestination {
  if (!stdout) {
    const destination = createLogDestination({ stream: process.stdout })
    process.once('exit', () => destination.close())
    stdout = destination
  }
  return stdout
}

/**
 * {@link stdoutLog}'s counters, zero while nothing was logged to stdout (without creating it).
 *
 * @example
 * stdoutLogStats().dropped // lines lost to a reader that fell behind
 */
export function stdoutLogStats(): LogDestinationStats {
  return stdout?.stats() ?? { dropped: 0, bufferedBytes: 0 }
}

let lastMillisecond = -1
let lastTimeField = ''

/**
 * pino's `isoTime`, formatted once per millisecond: at thousands of access lines a second most
 * lines share their millisecond with the line before, and `toISOString()` was 2 % of a small
 * request's CPU time.
 */
function isoTimeOncePerMillisecond(): string {
  const now = Date.now()
  if (now !== lastMillisecond) {
    lastMillisecond = now
    lastTimeField = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastTimeField
}
