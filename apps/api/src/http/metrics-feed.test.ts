import { EventEmitter, getEventListeners } from 'node:events'
import type { Optimizer, OptimizerMetrics } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { createMetricsFeed } from './metrics-feed.js'

function fakeOptimizer() {
  const emitter = new EventEmitter() as EventEmitter & { metrics: () => object }
  emitter.metrics = () => ({ at: 0, profile: 'balanced' })
  return emitter
}

const sample = (at: number) => ({ at, profile: 'balanced' }) as unknown as OptimizerMetrics

describe('createMetricsFeed', () => {
  it('serves 30 subscribers from one sample listener and one abort listener', () => {
    const optimizer = fakeOptimizer()
    const stop = new AbortController()
    const feed = createMetricsFeed(optimizer as unknown as Optimizer, stop.signal)
    const seen: number[][] = []
    const leave = Array.from({ length: 30 }, (_, index) => {
      seen.push([])
      return feed.subscribe(
        (metrics) => seen[index]!.push(metrics.at),
        () => undefined,
      )
    })
    expect(optimizer.listenerCount('sample')).toBe(1)
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1)

    optimizer.emit('sample', sample(7))
    expect(seen.every((ats) => ats.join() === '7')).toBe(true)

    for (const unsubscribe of leave) unsubscribe()
    expect(optimizer.listenerCount('sample')).toBe(0)
  })

  it('ends every open subscriber once at shutdown, and is ended for later ones', () => {
    const optimizer = fakeOptimizer()
    const stop = new AbortController()
    const feed = createMetricsFeed(optimizer as unknown as Optimizer, stop.signal)
    let ends = 0
    feed.subscribe(
      () => undefined,
      () => ends++,
    )
    feed.subscribe(
      () => undefined,
      () => ends++,
    )
    expect(feed.ended).toBe(false)
    stop.abort()
    stop.abort()
    expect(ends).toBe(2)
    expect(feed.ended).toBe(true)
  })

  it('ignores a second unsubscribe, keeping the listener for the others', () => {
    const optimizer = fakeOptimizer()
    const feed = createMetricsFeed(optimizer as unknown as Optimizer)
    const first = feed.subscribe(
      () => undefined,
      () => undefined,
    )
    feed.subscribe(
      () => undefined,
      () => undefined,
    )
    first()
    first()
    expect(optimizer.listenerCount('sample')).toBe(1)
  })
})
