import { EventEmitter } from 'node:events'
import type { Optimizer } from '@bi-perf/core'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createMetricsFeed } from './metrics-feed.js'
import { streamMetrics } from './metrics-stream.js'

function fakeOptimizer() {
  const emitter = new EventEmitter() as EventEmitter & { metrics: () => object }
  let at = 0
  emitter.metrics = () => ({ at: ++at, profile: 'balanced' })
  return emitter
}

describe('streamMetrics', () => {
  it('coalesces samples arriving faster than minInterval', async () => {
    const optimizer = fakeOptimizer()
    const stop = new AbortController()
    const feed = createMetricsFeed(optimizer as unknown as Optimizer, stop.signal)
    const app = new Hono().get('/', (c) =>
      streamMetrics(c, feed, { minInterval: 60_000, heartbeat: 20 }),
    )
    const response = await app.request('/')
    const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>
    const decoder = new TextDecoder()
    let text = ''
    let sent = 0
    // Samples keep arriving while heartbeats prove the loop keeps running.
    while ((text.match(/: ping/g) ?? []).length < 3) {
      optimizer.emit('sample', { at: 1000 + sent++, profile: 'balanced' })
      text += decoder.decode(await nextChunk(reader), { stream: true })
    }
    stop.abort()
    while (!(await reader.read()).done);
    expect(sent).toBeGreaterThanOrEqual(3)
    expect(text.match(/event: metrics/g)).toHaveLength(1)
    expect(text.startsWith('retry: 3000\n\n')).toBe(true)
    expect(optimizer.listenerCount('sample')).toBe(0)
  })

  it('sends each new sample once the interval allows', async () => {
    const optimizer = fakeOptimizer()
    const stop = new AbortController()
    const feed = createMetricsFeed(optimizer as unknown as Optimizer, stop.signal)
    const app = new Hono().get('/', (c) => streamMetrics(c, feed, { minInterval: 0 }))
    const reader = (
      await app.request('/')
    ).body!.getReader() as ReadableStreamDefaultReader<Uint8Array>
    const decoder = new TextDecoder()
    let text = ''
    for (let index = 0; (text.match(/event: metrics/g) ?? []).length < 3; index++) {
      optimizer.emit('sample', { at: 500 + index, profile: 'memory' })
      text += decoder.decode(await nextChunk(reader), { stream: true })
    }
    stop.abort()
    const events = [...text.matchAll(/event: metrics\ndata: (.+)\nid: (\d+)\n\n/g)]
    expect(events).toHaveLength(3)
    const ids = events.map((event) => Number(event[2]))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(3)
    for (const event of events)
      expect(JSON.parse(event[1] ?? '')).toMatchObject({ at: Number(event[2]) })
  })
})

async function nextChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Uint8Array | undefined> {
  const result: { value?: Uint8Array } = await reader.read()
  return result.value
}
