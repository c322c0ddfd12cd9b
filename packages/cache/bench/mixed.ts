import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'
import { createCache, type Cache } from '@bi-perf/cache'
import { formatOps, measure, report, seededRandom, zipf } from '@bi-perf/bench'
import { waitFor } from '@bi-perf/test-services'
import { kibObject } from './payloads.js'

const INSTANCES = 3
const KEYS = 10_000
const IN_FLIGHT = 64
const READ_SHARE = 0.95
/** Zipf exponent: the most popular key is read about 10,000 times as often as the rarest. */
const ZIPF_S = 1
const SEQUENCE = 200_000

interface Operation {
  instance: number
  key: string
  read: boolean
  seed: number
}

/**
 * A realistic mix: three instances of each cache share one Redis; keys follow a Zipf popularity
 * over 10,000 keys; 95 % of operations are `getOrSet` reads (the loader builds a 1 KiB object),
 * 5 % are writes, which the other instances learn about over the bus. L1 on. Both caches run the
 * same operation sequence; the hit rate is the share of reads that did not call the loader.
 */
export async function mixedBench(redisUrl: string, prefix: string): Promise<string> {
  const { hostname, port } = new URL(redisUrl)
  const connection = { host: hostname, port: Number(port) }
  const ours: Cache[] = Array.from({ length: INSTANCES }, () =>
    createCache({ redis: redisUrl, prefix: `${prefix}:mixed-ours`, commandTimeout: '1s' }),
  )
  const bentos = Array.from(
    { length: INSTANCES },
    () =>
      new BentoCache({
        default: 'tiered',
        prefix: `${prefix}:mixed-bento`,
        stores: {
          tiered: bentostore()
            .useL1Layer(memoryDriver({ maxItems: 10_000, maxSize: 64 * 1024 * 1024 }))
            .useL2Layer(redisDriver({ connection }))
            .useBus(redisBusDriver({ connection })),
        },
      }),
  )
  for (const cache of ours) {
    await waitFor(() => cache.stats().l2?.connection === 'ready')
    if ((await cache.ready()) !== 'connected') throw new Error('Redis is not reachable')
  }
  const operations = zipfOperations()
  const counts = { ours: { reads: 0, loads: 0 }, bento: { reads: 0, loads: 0 } }
  let oursNext = 0
  let bentoNext = 0

  const oursBatch = () =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, () => {
        const op = operations[oursNext++ % SEQUENCE]!
        const cache = ours[op.instance]!
        if (!op.read) return cache.set(op.key, kibObject(op.seed))
        counts.ours.reads++
        return cache.getOrSet(op.key, () => {
          counts.ours.loads++
          return kibObject(op.seed)
        })
      }),
    )
  const bentoBatch = () =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, () => {
        const op = operations[bentoNext++ % SEQUENCE]!
        const cache = bentos[op.instance]!
        if (!op.read) return cache.set({ key: op.key, value: kibObject(op.seed) })
        counts.bento.reads++
        return cache.getOrSet({
          key: op.key,
          factory: () => {
            counts.bento.loads++
            return kibObject(op.seed)
          },
        })
      }),
    )
  const ourName = 'bi-perf, 3 instances (L1 + Redis + bus)'
  const bentoName = 'bentocache, 3 instances (memory + Redis + bus)'
  const results = await measure([
    { name: ourName, fn: oursBatch, opsPerCall: IN_FLIGHT },
    { name: bentoName, fn: bentoBatch, opsPerCall: IN_FLIGHT },
  ])
  const hitRate = ({ reads, loads }: { reads: number; loads: number }) =>
    `${((100 * (reads - loads)) / Math.max(1, reads)).toFixed(1)} %`
  const table = report(
    `Mixed: ${INSTANCES} instances, Zipf (s = ${ZIPF_S}) over ${formatOps(KEYS)} keys, ${READ_SHARE * 100} % reads, L1 on, ${IN_FLIGHT} in flight`,
    results,
    [bentoName],
  )
  const hits = [
    '| contender | reads | hit rate (reads that did not call the loader) |',
    '| --- | --- | --- |',
    `| ${ourName} | ${counts.ours.reads} | ${hitRate(counts.ours)} |`,
    `| ${bentoName} | ${counts.bento.reads} | ${hitRate(counts.bento)} |`,
    '',
  ].join('\n')
  console.log(hits)

  await ours[0]!.clear()
  await bentos[0]!.clear()
  await Promise.all(ours.map((cache) => cache.close()))
  await Promise.all(bentos.map((cache) => cache.disconnectAll()))
  return `${table}\n${hits}`
}

/** A fixed operation sequence: Zipf-distributed keys, seeded, the same for every contender. */
function zipfOperations(): Operation[] {
  const random = seededRandom(20_261_204)
  const rank = zipf(KEYS, ZIPF_S, random)
  return Array.from({ length: SEQUENCE }, (_, index) => ({
    instance: index % INSTANCES,
    key: `zipf:${rank() - 1}`,
    read: random() < READ_SHARE,
    seed: index,
  }))
}
