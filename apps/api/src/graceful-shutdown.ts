import { onShutdownSignal, type Optimizer } from '@bi-perf/core'
import type { Logger } from 'pino'
import { stdoutLog } from './logger.js'

/** How long in-flight work (requests, running tasks) gets to finish after SIGTERM. */
export const DRAIN_TIMEOUT = 10_000
/**
 * What the rest of the shutdown gets beyond the drain: ending the demo, stopping the optimizer
 * (task worker, pools, Redis) and the last log lines. At drain + margin (15 s) the process exits
 * with code 1 whatever still runs, and 2 s later core's watchdog thread SIGKILLs it should its
 * main thread be blocked: 17 s at most, inside an orchestrator's usual 30 s grace period.
 */
const SHUTDOWN_MARGIN = 5_000
/** Kept back from the optimizer's stop for the last log lines and the exit. */
const FINAL_RESERVE = 1_000

/** What {@link onGracefulShutdown} ends, in order, and how it reports it. */
export interface GracefulShutdown {
  logger: Logger
  /** The first log line, naming what the process waits for. */
  announce: string
  /**
   * What the process stops taking first (the API's HTTP server), before the demo and the
   * optimizer; the fields it returns are added to the `stopped` line.
   */
  drain?: () => Promise<Record<string, unknown>>
  demo: { close(): Promise<void> } | undefined
  optimizer: Pick<Optimizer, 'stop'>
  /**
   * The optimizer's stop timeout in milliseconds.
   * @default what remains of drain + margin, less the final reserve
   */
  stopTimeout?: number
}

/**
 * The shutdown both processes (`bi-perf-api`, `bi-perf-worker`) run on SIGTERM or SIGINT: the
 * drain, the demo, the optimizer, a `stopped` line with what did not close cleanly, and a last
 * bounded wait for stdout; exit code 1 if it all takes longer than drain + margin.
 *
 * @example
 * onGracefulShutdown({ logger, announce: 'shutting down: finishing running tasks', demo, optimizer })
 */
export function onGracefulShutdown({
  logger,
  announce,
  drain,
  demo,
  optimizer,
  stopTimeout,
}: GracefulShutdown): () => void {
  return onShutdownSignal(
    async () => {
      const deadline = Date.now() + DRAIN_TIMEOUT + SHUTDOWN_MARGIN
      logger.info(announce)
      const drained = drain ? await drain() : {}
      await demo?.close()
      const stopped = await optimizer.stop({
        timeout: stopTimeout ?? Math.max(1, deadline - FINAL_RESERVE - Date.now()),
      })
      logger.info({ ...drained, clean: stopped.clean, problems: stopped.problems }, 'stopped')
      // A slow reader gets a moment to take the last lines; a stalled one costs them, not the exit.
      await stdoutLog().drain(Math.max(1, Math.min(FINAL_RESERVE, deadline - Date.now())))
    },
    { timeout: DRAIN_TIMEOUT + SHUTDOWN_MARGIN },
  )
}
