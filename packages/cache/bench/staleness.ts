import { createHistogram } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { createCache, type Cache } from '@bi-perf/cache'

const ROUNDS = 2_000

/**
 * The staleness bound while everything is connected: the time from a write resolving on one
 * instance until another instance has evicted its in-process copy (the bus delivery time). Idle,
 * and with 64 reads in flight on the reader the whole time.
 */
export async function stalenessBench(redisUrl: string, prefix: string): Promise<string> {
  const writer = createCache({ redis: redisUrl, prefix: `${prefix}:stale` })
  const reader = createCache({ redis: redisUrl, prefix: `${prefix}:stale` })
  for (const cache of [writer, reader]) {
    if ((await cache.ready()) !== 'connected') throw new Error('Redis is not reachable')
  }
  const rows = [
    await deliveryTimes(writer, reader, false),
    await deliveryTimes(writer, reader, true),
  ]
  await writer.clear()
  await Promise.all([writer.close(), reader.close()])
  return [
    `### Staleness bound: write resolved → other instance's L1 copy evicted (${ROUNDS} writes)`,
    '',
    '| reader | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

async function deliveryTimes(writer: Cache, reader: Cache, loaded: boolean): Promise<string> {
  let running = loaded
  const load = (async () => {
    while (running) await Promise.all(Array.from({ length: 64 }, (_, i) => reader.get(`load:${i}`)))
  })()
  const histogram = createHistogram()
  for (let round = 0; round < ROUNDS; round++) {
    await writer.set('k', round)
    // Warm the reader's copy, then time the next write's eviction.
    while ((await reader.get('k')) !== round) await nextTurn()
    const received = reader.stats().l2!.invalidationsReceived
    await writer.set('k', -round)
    const started = process.hrtime.bigint()
    while (reader.stats().l2!.invalidationsReceived === received) await nextTurn()
    histogram.record(Number(process.hrtime.bigint() - started) || 1)
  }
  running = false
  await load
  const ms = (ns: number) => (ns / 1e6).toFixed(2)
  return `| ${loaded ? '64 reads in flight' : 'idle'} | ${ms(histogram.percentile(50))} | ${ms(histogram.percentile(99))} | ${ms(histogram.max)} |`
}
