import type { OptimizerMetrics } from '@bi-perf/core'
import type { Context } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'
import type { MetricsFeed } from './metrics-feed.js'

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
  /** Called once when the stream has ended, whatever ended it (e.g. to free a stream slot). */
  onClose?: () => void
}

/**
 * Answers with Server-Sent Events: a `retry:` hint, the current metrics at once, then one
 * `event: metrics` (data = OptimizerMetrics JSON, id = its `at`) per sample of `feed`, at most
 * one per `minInterval`. The stream leaves the feed when the client goes away or the feed's
 * shutdown signal aborts, so streams never leak subscriptions.
 *
 * @example
 * const feed = createMetricsFeed(optimizer, shutdown)
 * app.get('/performance/stream', (c) => streamMetrics(c, feed))
 */
export function streamMetrics(
  c: Context,
  feed: MetricsFeed,
  options: MetricsStreamOptions = {},
): Response {
  const minInterval = options.minInterval ?? 1_000
  const heartbeat = options.heartbeat ?? 15_000
  const retry = options.retry ?? 3_000
  return streamSSE(c, (stream) =>
    pump(stream, feed, { minInterval, heartbeat, retry, onClose: options.onClose }),
  )
}

async function pump(
  stream: SSEStreamingApi,
  feed: MetricsFeed,
  options: {
    minInterval: number
    heartbeat: number
    retry: number
    onClose: (() => void) | undefined
  },
): Promise<void> {
  let latest: OptimizerMetrics | undefined = feed.current()
  let finished = feed.ended || stream.aborted
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

  const leave = feed.subscribe(onSample, finish)
  stream.onAbort(finish)
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
    leave()
    wake = undefined
    options.onClose?.()
  }
}
