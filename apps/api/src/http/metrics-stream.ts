import type { Optimizer, OptimizerMetrics } from '@bi-perf/core'
import type { Context } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'

/** Options of {@link streamMetrics}. */
export interface MetricsStreamOptions {
  /**
   * Least time between two `metrics` events; samples arriving faster are coalesced to the latest.
   * @default 1_000
   */
  minInterval?: number
  /**
   * A comment line (`: ping`) after this much silence keeps proxies from closing the stream.
   * @default 15_000
   */
  heartbeat?: number
  /**
   * The `retry:` hint: how long a client waits before reconnecting.
   * @default 3_000
   */
  retry?: number
  /** Aborting it ends the stream (graceful shutdown). */
  shutdown?: AbortSignal
}

/**
 * Answers with Server-Sent Events: a `retry:` hint, the current metrics at once, then one
 * `event: metrics` (data = OptimizerMetrics JSON, id = its `at`) per optimizer `sample`, at most
 * one per `minInterval`. The `sample` listener is removed when the client goes away or
 * `shutdown` aborts, so streams never leak listeners.
 *
 * @example
 * app.get('/performance/stream', (c) => streamMetrics(c, optimizer, { shutdown }))
 */
export function streamMetrics(
  c: Context,
  optimizer: Optimizer,
  options: MetricsStreamOptions = {},
): Response {
  const minInterval = options.minInterval ?? 1_000
  const heartbeat = options.heartbeat ?? 15_000
  const retry = options.retry ?? 3_000
  return streamSSE(c, (stream) =>
    pump(stream, optimizer, { minInterval, heartbeat, retry, shutdown: options.shutdown }),
  )
}

async function pump(
  stream: SSEStreamingApi,
  optimizer: Optimizer,
  options: {
    minInterval: number
    heartbeat: number
    retry: number
    shutdown: AbortSignal | undefined
  },
): Promise<void> {
  let latest: OptimizerMetrics | undefined = optimizer.metrics()
  let finished = options.shutdown?.aborted ?? false
  let lastWrite = Date.now()
  let lastEvent = -Infinity
  let wake: (() => void) | undefined
  const poke = () => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  const finish = () => {
    finished = true
    poke()
  }
  const onSample = (metrics: OptimizerMetrics) => {
    latest = metrics
    poke()
  }

  optimizer.on('sample', onSample)
  stream.onAbort(finish)
  options.shutdown?.addEventListener('abort', finish, { once: true })
  try {
    await stream.write(`retry: ${options.retry}\n\n`)
    while (!finished) {
      const now = Date.now()
      if (latest && now - lastEvent >= options.minInterval) {
        const metrics = latest
        latest = undefined
        lastEvent = lastWrite = now
        await stream.writeSSE({
          event: 'metrics',
          id: String(metrics.at),
          data: JSON.stringify(metrics),
        })
        continue
      }
      if (now - lastWrite >= options.heartbeat) {
        lastWrite = now
        await stream.write(': ping\n\n')
        continue
      }
      // Sleep until a sample, the end, the throttle's next slot or the next heartbeat.
      const untilHeartbeat = options.heartbeat - (now - lastWrite)
      const untilSlot = latest ? options.minInterval - (now - lastEvent) : Infinity
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(untilHeartbeat, untilSlot)))
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  } finally {
    optimizer.off('sample', onSample)
    options.shutdown?.removeEventListener('abort', finish)
    wake = undefined
  }
}
