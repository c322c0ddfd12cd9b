import type { Duration } from '@bi-perf/cache'
import { readDuration } from '@bi-perf/internal'
import { InvalidArgumentError } from './errors.js'

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
   * Exit when the handler is done: code 0 when it resolved, 1 when it threw or timed out.
   * @default true
   */
  exit?: boolean
}

/**
 * Runs `handler` once on the first shutdown signal (SIGTERM or SIGINT), then exits. A second
 * signal while the handler runs exits at once with code 1. Returns a function that removes the
 * listeners.
 *
 * @example
 * const perf = await createOptimizer()
 * await perf.start()
 * onShutdownSignal(async () => { await server.close(); await perf.stop() })
 */
export function onShutdownSignal(
  handler: () => Promise<void> | void,
  options: ShutdownSignalOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const reading = readDuration(options.timeout ?? '30s')
  if ('rule' in reading)
    throw new InvalidArgumentError('options.timeout', options.timeout, reading.rule)
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
    const timer = setTimeout(() => finish(1), reading.ms)
    timer.unref()
    Promise.resolve()
      .then(handler)
      .then(
        () => {
          clearTimeout(timer)
          finish(0)
        },
        (error: unknown) => {
          clearTimeout(timer)
          process.emitWarning(error instanceof Error ? error : new Error(String(error)))
          finish(1)
        },
      )
  }

  for (const signal of signals) process.on(signal, onSignal)
  return () => {
    for (const signal of signals) process.off(signal, onSignal)
  }
}
