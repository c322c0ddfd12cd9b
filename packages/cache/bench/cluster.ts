import { Cluster, Redis } from 'ioredis'
import { createCache, type Cache } from '@bi-perf/cache'
import { measure, report } from '@bi-perf/bench'
import { OwnedCluster, waitFor } from '@bi-perf/test-services'
import { kibObject } from './payloads.js'

const CONCURRENCY = 64

/**
 * Redis-only `get` of 1 KiB objects, 64 in flight, L1 off: the shared single Redis beside a
 * three-master cluster this run starts on free ports (and stops by pid). Same client count on
 * both: one cache, one connection per node.
 */
export async function clusterBench(redisUrl: string, prefix: string): Promise<string> {
  const owned = await OwnedCluster.start({ fsync: 'everysec' })
  const cluster = new Cluster(owned.nodes)
  const keys = Array.from({ length: CONCURRENCY }, (_, i) => `cluster:${i}`)
  // As in l2-get.ts: the raw clients have no command timeout; ours gets one that a loaded
  // two-core machine's event-loop stalls do not reach, so no read becomes a fast timed-out miss.
  const single = createCache({
    redis: redisUrl,
    prefix: `${prefix}:single`,
    l1: { enabled: false },
    commandTimeout: '1s',
  })
  const clustered = createCache({
    redis: cluster,
    prefix: `${prefix}:cluster`,
    l1: { enabled: false },
    commandTimeout: '1s',
  })
  const rawSingle = new Redis(redisUrl, { enableAutoPipelining: true })
  const rawCluster = new Cluster(owned.nodes, { enableAutoPipelining: true })
  try {
    await waitFor(() =>
      [single, clustered].every((cache) => cache.stats().l2?.connection === 'ready'),
    )
    await waitFor(() => rawCluster.status === 'ready')
    for (const [index, key] of keys.entries()) {
      const value = kibObject(index)
      await single.set(key, value)
      await clustered.set(key, value)
      await rawSingle.set(`${prefix}:raw:${key}`, JSON.stringify(value))
      await rawCluster.set(`${prefix}:raw:${key}`, JSON.stringify(value))
    }
    await check(single)
    await check(clustered)
    const masters = await Promise.all(rawCluster.nodes('master').map((node) => node.dbsize()))
    if (masters.filter((count) => count > 0).length !== 3) {
      throw new Error(`keys did not spread over the three masters: ${masters.join(', ')}`)
    }

    const all =
      <T>(get: (key: string) => Promise<T>) =>
      () =>
        Promise.all(keys.map(get))
    const results = await measure([
      { name: 'bi-perf, single Redis', fn: all((key) => single.get(key)), opsPerCall: CONCURRENCY },
      {
        name: 'bi-perf, 3-master Cluster',
        fn: all((key) => clustered.get(key)),
        opsPerCall: CONCURRENCY,
      },
      {
        name: 'raw ioredis get + JSON.parse, single Redis',
        fn: all(
          async (key) => JSON.parse((await rawSingle.get(`${prefix}:raw:${key}`))!) as unknown,
        ),
        opsPerCall: CONCURRENCY,
      },
      {
        name: 'raw ioredis get + JSON.parse, 3-master Cluster',
        fn: all(
          async (key) => JSON.parse((await rawCluster.get(`${prefix}:raw:${key}`))!) as unknown,
        ),
        opsPerCall: CONCURRENCY,
      },
    ])
    for (const cache of [single, clustered]) {
      const { errors, timeouts } = cache.stats().l2!
      if (errors > 0) throw new Error(`our cache saw ${errors} Redis errors (${timeouts} timeouts)`)
    }
    return report(
      `L2 \`get\` of 1 KiB, L1 off, ${CONCURRENCY} concurrent: 3-master Cluster vs single Redis`,
      results,
      ['bi-perf, single Redis', 'raw ioredis get + JSON.parse, single Redis'],
    )
  } finally {
    await single.clear().catch(() => undefined)
    await rawSingle.del(...keys.map((key) => `${prefix}:raw:${key}`))
    await Promise.all([single.close(), clustered.close()])
    rawSingle.disconnect()
    rawCluster.disconnect()
    cluster.disconnect()
    await owned.stop()
  }
}

async function check(cache: Cache) {
  const id = (await cache.get<{ id: string }>('cluster:3'))?.id
  if (id !== 'report-3') throw new Error(`wrong value from our cache: ${id}`)
}
