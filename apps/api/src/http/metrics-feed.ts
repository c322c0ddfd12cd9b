import type { Optimizer, OptimizerMetrics } from '@bi-perf/core'

/**
 * One optimizer's `sample` events and one shutdown signal, fanned out to every open event stream.
 * However many streams are open, the optimizer carries one `sample` listener (none while no
 * stream is open) and the signal one `abort` listener, so many streams never trip Node's
 * MaxListenersExceededWarning.
 */
export interface MetricsFeed {
  /** The optimizer's current metrics, for a new stream's first event. */
  current(): OptimizerMetrics
  /** Whether the shutdown signal has aborted; a stream opened after that ends at once. */
  readonly ended: boolean
  /**
   * Calls `onSample` for each sample and `onEnd` once at shutdown, until the returned function
   * is called (idempotent).
   */
  subscribe(onSample: (metrics: OptimizerMetrics) => void, onEnd: () => void): () => void
}

interface Subscriber {
  onSample(metrics: OptimizerMetrics): void
  onEnd(): void
}

/**
 * Builds the feed the `/performance/stream` route shares between its streams.
 *
 * @example
 * const feed = createMetricsFeed(optimizer, shutdown.signal)
 * app.get('/performance/stream', (c) => streamMetrics(c, feed))
 */
export function createMetricsFeed(
  optimizer: Pick<Optimizer, 'metrics' | 'on' | 'off'>,
  shutdown?: AbortSignal,
): MetricsFeed {
  const subscribers = new Set<Subscriber>()
  let ended = shutdown?.aborted ?? false
  const onSample = (metrics: OptimizerMetrics) => {
    for (const subscriber of subscribers) subscriber.onSample(metrics)
  }
  shutdown?.addEventListener(
    'abort',
    () => {
      ended = true
      for (const subscriber of [...subscribers]) subscriber.onEnd()
    },
    { once: true },
  )

  return {
    current: () => optimizer.metrics(),
    get ended() {
      return ended
    },
    subscribe(sample, end) {
      const subscriber: Subscriber = { onSample: sample, onEnd: end }
      if (subscribers.size === 0) optimizer.on('sample', onSample)
      subscribers.add(subscriber)
      return () => {
        if (!subscribers.delete(subscriber)) return
        if (subscribers.size === 0) optimizer.off('sample', onSample)
      }
    },
  }
}
