import { createKeyv } from '@keyv/redis'
import { BentoCache, bentostore } from 'bentocache'
import { redisDriver } from 'bentocache/drivers/redis'
import { createCache as createCacheManager } from 'cache-manager'
import { Redis } from 'ioredis'
import { createCache } from '@bi-perf/cache'
import { measure, report } from '@bi-perf/bench'
import { waitFor } from '@bi-perf/test-services'
import { kibObject } from './payloads.js'

const CONCURRENCY = 64
const RAW = 'raw ioredis get + JSON.parse (auto-pipelining)'
const BENTO = 'bentocache (Redis only)'

/**
 * Redis-only `get` of 1 KiB objects with L1 off: 64 in flight, then a single caller (one get at
 * a time, where read coalescing must cost nothing). Ours beside raw ioredis and the peers; ours
 * also without coalescing, to show what it brings.
 */
export async function l2GetBench(redisUrl: string, prefix: string): Promise<string> {
  const keys = Array.from({ length: CONCURRENCY }, (_, i) => `l2:${i}`)
  const { hostname, port } = new URL(redisUrl)

  // The peers have no command timeout at all; ours keeps one, long enough that a loaded two-core
  // machine stalling the event loop does not turn reads into (fast) timed-out misses.
  const settings = { redis: redisUrl, prefix: `${prefix}:ours`, commandTimeout: '1s' }
  const ours = createCache({ ...settings, l1: { enabled: false } })
  const oursUncoalesced = createCache({ ...settings, l1: { enabled: false }, coalesce: false })
  const raw = new Redis(redisUrl, { enableAutoPipelining: true })
  const cacheManager = createCacheManager({
    stores: [createKeyv(redisUrl, { namespace: `${prefix}:cm` })],
  })
  const bento = new BentoCache({
    default: 'redis',
    prefix: `${prefix}:bento`,
    stores: {
      redis: bentostore().useL2Layer(
        redisDriver({ connection: { host: hostname, port: Number(port) } }),
      ),
    },
  })
  await waitFor(() => ours.stats().l2?.connection === 'ready')
  await waitFor(() => oursUncoalesced.stats().l2?.connection === 'ready')
  // Ours writes twice: the first pass brings the value's shapes to the shared list (after two
  // sightings), as the first writes of any long-running service do; the entries read are then in
  // the steady-state layout.
  for (const [index, key] of keys.entries()) await ours.set(key, kibObject(index))
  for (const [index, key] of keys.entries()) {
    const value = kibObject(index)
    await ours.set(key, value)
    await raw.set(`${prefix}:raw:${key}`, JSON.stringify(value))
    await cacheManager.set(key, value)
    await bento.set({ key, value })
  }
  const check = (await ours.get<{ id: string }>(keys[3]!))?.id
  if (check !== 'report-3') throw new Error(`wrong value from our cache: ${check}`)

  const all =
    <T>(get: (key: string) => Promise<T>) =>
    () =>
      Promise.all(keys.map(get))
  const results = await measure([
    {
      name: RAW,
      fn: all(async (key) => JSON.parse((await raw.get(`${prefix}:raw:${key}`))!) as unknown),
      opsPerCall: CONCURRENCY,
    },
    { name: 'bi-perf (L1 off)', fn: all((key) => ours.get(key)), opsPerCall: CONCURRENCY },
    {
      name: 'bi-perf (L1 off, coalescing off)',
      fn: all((key) => oursUncoalesced.get(key)),
      opsPerCall: CONCURRENCY,
    },
    {
      name: 'cache-manager 7 + @keyv/redis',
      fn: all((key) => cacheManager.get(key)),
      opsPerCall: CONCURRENCY,
    },
    { name: BENTO, fn: all((key) => bento.get({ key })), opsPerCall: CONCURRENCY },
  ])
  let next = 0
  const one = () => keys[next++ % CONCURRENCY]!
  const single = await measure([
    {
      name: RAW,
      fn: async () => JSON.parse((await raw.get(`${prefix}:raw:${one()}`))!) as unknown,
    },
    { name: 'bi-perf (L1 off)', fn: () => ours.get(one()) },
    { name: 'bi-perf (L1 off, coalescing off)', fn: () => oursUncoalesced.get(one()) },
    { name: BENTO, fn: () => bento.get({ key: one() }) },
  ])
  for (const cache of [ours, oursUncoalesced]) {
    const { errors, timeouts } = cache.stats().l2!
    if (errors > 0) throw new Error(`our cache saw ${errors} Redis errors (${timeouts} timeouts)`)
  }

  await ours.clear()
  await raw.del(...keys.map((key) => `${prefix}:raw:${key}`))
  await cacheManager.mdel(keys)
  await bento.clear()
  await ours.close()
  await oursUncoalesced.close()
  raw.disconnect()
  await cacheManager.disconnect()
  await bento.disconnectAll()
  return [
    report(`L2 \`get\` of 1 KiB, L1 off, ${CONCURRENCY} concurrent`, results, [
      RAW,
      'cache-manager 7 + @keyv/redis',
      BENTO,
    ]),
    report('L2 `get` of 1 KiB, L1 off, single caller (one get at a time)', single, [RAW, BENTO]),
  ].join('\n')
}
