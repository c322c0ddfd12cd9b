import { Worker } from 'node:worker_threads'
import type { Duration } from '@bi-perf/cache'
import { read } from './option-reader.js'

/** Options of {@link onShutdownSignal}. */
export interface ShutdownSignalOptions {
  /** @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[]
  /**
   * How long the handler may run. Past it the process exits with code 1, so a stuck shutdown
   * cannot keep an orchestrator waiting until it sends SIGKILL.
   * @default '30s'
   */
  timeout?: Duration
  /**
   * How long after `timeout` a watchdog kills the process with SIGKILL (status 137 in a shell)
   * if it is still alive. The exit at `timeout` runs on the main thread, which a synchronous
   * write to a pipe nobody reads, a busy loop, a native wait or a blocking `exit` listener can
   * hold forever; the watchdog is a worker thread, started at the first signal, whose timer
   * does not need the main thread. `false`: no watchdog. Only with `exit: true`.
   * @default '2s'
   */
  killAfter?: Duration | false
  /**
   * Exit when the handler is done: code 0 when it resolved, 1 when it threw or timed out.
   * @default true
   */
  exit?: boolean
}

// CommonJS, evaluated by the worker itself: no file to resolve beside a bundled caller.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads')
setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.ms)
`

/**
 * Runs `handler` once on the first shutdown signal (SIGTERM or SIGINT), then exits: code 0 when
 * it resolved, 1 when it threw, when `timeout` passed, or when nothing is left that could ever
 * settle it. A second signal while the handler runs exits at once with code 1. A hard deadline
 * backs all of this up: `timeout + killAfter` after the first signal a watchdog thread kills the
 * process, even when its main thread is blocked. Returns a function that removes the listeners.
 *
 * @example
 * const perf = await createOptimizer()
 * await perf.start()
 * onShutdownSignal(async () => { await server.close(); await perf.stop() }, { timeout: '15s' })
 */
export function onShutdownSignal(
  handler: () => Promise<void> | void,
  options: ShutdownSignalOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const timeoutMs = readOption('options.timeout', options.timeout ?? '30s')
  const killAfterMs =
    options.killAfter === false
      ? undefined
      : readOption('options.killAfter', options.killAfter ?? '2s')
  const exit = options.exit ?? true
  let shuttingDown = false

  const finish = (code: number) => {
    if (!exit) return
    process.exitCode = code
    process.exit(code)
  }

  const onSignal = () => {
    if (shuttingDown) {
      finish(1)
      return
    }
    shuttingDown = true
    if (exit && killAfterMs !== undefined) startWatchdog(timeoutMs + killAfterMs)
    const timer = setTimeout(() => finish(1), timeoutMs)
    timer.unref()
    // The event loop emptied with the handler still pending: nothing can settle it any more,
    // and without this the process would end with code 0 as if it had stopped cleanly.
    const stranded = () => finish(1)
    process.once('beforeExit', stranded)
    const settled = (code: number) => {
      clearTimeout(timer)
      process.off('beforeExit', stranded)
      finish(code)
    }
    Promise.resolve()
      .then(handler)
      .then(
        () => settled(0),
        (error: unknown) => {
          process.emitWarning(error instanceof Error ? error : new Error(String(error)))
          settled(1)
        },
      )
  }

  for (const signal of signals) process.on(signal, onSignal)
  return () => {
    for (const signal of signals) process.off(signal, onSignal)
  }
}

function readOption(name: string, value: Duration): number {
  return read.duration(name, value)
}

/**
 * A worker thread that SIGKILLs this process `ms` from now. Unref'd: it never keeps the process
 * alive, and a normal exit ends it.
 */
function startWatchdog(ms: number): void {
  try {
    const watchdog = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { pid: process.pid, ms },
      // None of the process's preloads (--import, --require: loaders, agents), which could need
      // the very main thread it watches.
      execArgv: [],
    })
    watchdog.unref()
    watchdog.on('error', (error) => process.emitWarning(error))
  } catch (error) {
    // Without a watchdog the shutdown still has its timeout; it must not fail for lack of one.
    process.emitWarning(error instanceof Error ? error : new Error(String(error)))
  }
}
