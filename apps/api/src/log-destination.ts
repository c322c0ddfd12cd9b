import type { Writable } from 'node:stream'
import { readOption } from './option-reader.js'

/** Options of {@link createLogDestination}. */
export interface LogDestinationOptions {
  /**
   * Where the lines go. Node's `process.stdout` never blocks on a pipe or socket (a non-blocking
   * libuv stream that queues what the reader has not taken yet) and writes files and /dev/null
   * synchronously, which is fast and cannot stall on a reader. A terminal it writes
   * synchronously too: a terminal paused with Ctrl-S pauses the process, as for any program.
   * @default process.stdout
   */
  stream?: Writable
  /**
   * Most bytes of log lines held in memory while the reader is behind: the lines not yet handed
   * to `stream` plus what `stream` has queued. Whole lines beyond it are dropped and counted.
   * Measured in string length, which is the byte count for the ASCII JSON a logger writes.
   * @default 1_048_576 (1 MiB)
   */
  maxBufferBytes?: number
  /**
   * The longest a line waits to be written with the ones after it: lines go out in batches of
   * 16 KiB, or this long after the first line of a batch, whichever comes first. One write per
   * batch instead of one per line keeps the log cheap on the hot path (a line per request).
   * @default 100
   */
  maxDelayMs?: number
}

/** What {@link LogDestination.stats} reports. */
export interface LogDestinationStats {
  /** Lines dropped since the destination was created: the buffer was full or the stream failed. */
  dropped: number
  /** Bytes waiting for the reader: ours plus the stream's queue. */
  bufferedBytes: number
}

/** A pino destination that never blocks and never grows past its buffer. */
export interface LogDestination {
  /** Takes one whole line (pino calls it once per log line); drops it when the buffer is full. */
  write(line: string): void
  /** Counters, cheap to read. */
  stats(): LogDestinationStats
  /**
   * Hands the pending lines to the stream and waits until the stream took everything, at most
   * `timeoutMs`. Resolves `true` when drained, `false` at the timeout or when the stream failed.
   */
  drain(timeoutMs: number): Promise<boolean>
  /**
   * Hands the pending lines to the stream in one last write (which never blocks: a pipe's
   * stream only queues what the reader does not take) and detaches from the stream. Later lines
   * are written at once, unbatched. Idempotent; meant for the process's `exit` event.
   */
  close(): void
}

const DEFAULT_MAX_BUFFER_BYTES = 1_048_576
const DEFAULT_MAX_DELAY_MS = 100
/** Pending lines are handed to the stream at once past this size. */
const BATCH_BYTES = 16_384

/**
 * A log destination in front of a stream (stdout by default) that keeps logging from ever
 * stalling the process. Lines go out in batches (16 KiB or `maxDelayMs`). While the reader is
 * behind, at most `maxBufferBytes` wait in memory; whole lines beyond are dropped and counted
 * (`stats().dropped`), and once the reader has caught up a warning line says how many were lost.
 * After the stream failed (`EPIPE`: the reader is gone) every line counts as dropped.
 *
 * @example
 * const destination = createLogDestination()
 * const logger = pino({ level: 'info' }, destination)
 * process.once('exit', () => destination.close())
 */
export function createLogDestination(options: LogDestinationOptions = {}): LogDestination {
  const stream = options.stream ?? process.stdout
  const maxBytes = readOption.count(
    'maxBufferBytes',
    options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES,
  )
  const maxDelayMs = readOption.count('maxDelayMs', options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, {
    allowZero: true,
  })

  let pending = ''
  let scheduled: NodeJS.Timeout | undefined
  let dropped = 0
  /** Dropped since the last notice. */
  let unreported = 0
  /** Our writes whose callback has not run yet. */
  let inFlight = 0
  let failed = false
  let closed = false
  const drainWaiters = new Set<() => void>()

  const onError = () => {
    failed = true
    pending = ''
    for (const wake of drainWaiters) wake()
  }
  stream.on('error', onError)

  const afterWrite = (error?: Error | null) => {
    inFlight--
    if (error) onError()
    if (inFlight > 0) return
    // The stream took everything we gave it: the reader has caught up.
    if (unreported > 0 && !failed && pending === '' && stream.writableLength === 0) {
      send(dropNotice(unreported))
      unreported = 0
      return
    }
    for (const wake of drainWaiters) wake()
  }

  function send(chunk: string): void {
    inFlight++
    stream.write(chunk, afterWrite)
  }

  function handOver(): void {
    clearTimeout(scheduled)
    scheduled = undefined
    if (pending === '' || failed) return
    const chunk = pending
    pending = ''
    send(chunk)
  }

  function schedule(): void {
    if (scheduled || closed) return
    scheduled = setTimeout(handOver, maxDelayMs)
    // The exit listener writes what is left; a pending line must not keep the process alive.
    scheduled.unref()
  }

  return {
    write(line) {
      if (failed || pending.length + stream.writableLength + line.length > maxBytes) {
        dropped++
        unreported++
        return
      }
      pending += line
      if (closed || pending.length >= BATCH_BYTES) handOver()
      else schedule()
    },

    stats() {
      return { dropped, bufferedBytes: pending.length + stream.writableLength }
    },

    drain(timeoutMs) {
      handOver()
      if (failed) return Promise.resolve(false)
      if (inFlight === 0) return Promise.resolve(true)
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          drainWaiters.delete(done)
          resolve(!failed && inFlight === 0)
        }
        const timer = setTimeout(done, timeoutMs)
        timer.unref()
        drainWaiters.add(done)
      })
    },

    close() {
      if (closed) return
      closed = true
      handOver()
      stream.off('error', onError)
      // Errors of the last writes must not throw from an exit listener.
      stream.on('error', ignore)
    },
  }
}

/** The line written once the reader caught up, in the logger's JSON shape. */
function dropNotice(count: number): string {
  return `${JSON.stringify({
    level: 'warn',
    time: new Date().toISOString(),
    droppedLines: count,
    msg: `${count} log lines dropped: the reader of the log fell behind`,
  })}\n`
}

function ignore(): void {}
