import calculateSlot from 'cluster-key-slot'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../src/index.js'
import { OwnedCluster, subscriptionLive, uniquePrefix, waitFor } from './helpers.js'

// The cache on a real three-master Redis Cluster: keys spread across masters, clears scan every
// master, mget and unlink group by slot, tags and coherence work across slots.
let owned: OwnedCluster
let client: Cluster
const prefix = uniquePrefix('cluster')
const caches: Cache[] = []

beforeAll(async () => {
  owned = await OwnedCluster.start()
  client = new Cluster(owned.nodes)
  await waitFor(() => client.status === 'ready', { what: 'the cluster client' })
}, 60_000)

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()))
  client?.disconnect()
  await owned?.stop()
})

async function clusterCache(): Promise<Cache> {
  const cache = createCache({ redis: client, prefix, commandTimeout: '2s' })
  caches.push(cache)
  // A cluster client reads the slot map from a node before it is ready: on a loaded two-core
  // machine that has taken more than 5 s.
  await waitFor(() => cache.stats().l2?.connection === 'ready', {
    what: 'the cache to connect',
    timeoutMs: 20_000,
  })
  return cache
}

describe('cache on a Redis Cluster', () => {
  it('spreads keys across masters, reads them back with mget and clears them on every master', async () => {
    const writer = await clusterCache()
    const reader = await clusterCache()
    const keys = Array.from({ length: 300 }, (_, i) => `spread:${i}`)
    await writer.mset(keys.map((key, i) => ({ key, value: { i } })))

    const perMaster = await Promise.all(
      client.nodes('master').map(async (node) => {
        const [, found] = await node.scan('0', 'MATCH', `${prefix}:spread:*`, 'COUNT', 10_000)
        return found.length
      }),
    )
    expect(perMaster.filter((count) => count > 0)).toHaveLength(3)
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(300)

    const values = await reader.mget<{ i: number }>(keys)
    expect(values.map((value) => value?.i)).toEqual(keys.map((_, i) => i))
    expect(reader.stats().l2?.errors).toBe(0)

    expect(await writer.clear('spread:*')).toBe(300)
    for (const node of client.nodes('master')) {
      const [, left] = await node.scan('0', 'MATCH', `${prefix}:spread:*`, 'COUNT', 10_000)
      expect(left).toEqual([])
    }
  })

  it('invalidates tags whose entries live on different slots', async () => {
    const cache = await clusterCache()
    await cache.set('t:a', 1, { tags: ['sales'] })
    await cache.set('t:b', 2, { tags: ['sales'] })
    await cache.set('t:c', 3, { tags: ['sales'] })
    expect(await cache.invalidateTags(['sales'])).toBe(3)
    const fresh = await clusterCache()
    expect(await fresh.mget(['t:a', 't:b', 't:c'])).toEqual([undefined, undefined, undefined])
    expect(cache.stats().l2?.errors).toBe(0)
  })

  it('keeps another instance coherent through cluster pub/sub', async () => {
    const a = await clusterCache()
    const b = await clusterCache()
    await subscriptionLive(a, b)
    await a.set('shared', 'v1')
    expect(await b.get('shared')).toBe('v1')
    await a.set('shared', 'v2')
    await waitFor(async () => (await b.get('shared')) === 'v2', {
      what: 'eviction across the cluster',
    })
  })
  // Runs last: it kills a master. ioredis drops an ended node from its pool until the next slot
  // refresh (an hour here), so a clear right after the master is back must not scan only the
  // two pooled masters and report success.
  it('clears the keys of a master that came back before the client pooled it again', async () => {
    const refreshLate = new Cluster(owned.nodes, { slotsRefreshInterval: 3_600_000 })
    const cache = createCache({ redis: refreshLate, prefix, commandTimeout: '2s' })
    caches.push(cache)
    // A cluster client reads the slot map from a node before it is ready: on a loaded two-core
    // machine that has taken more than 5 s.
    await waitFor(() => cache.stats().l2?.connection === 'ready', {
      what: 'the cache to connect',
      timeoutMs: 20_000,
    })
    const keys = Array.from({ length: 60 }, (_, i) => `outage:${i}`)
    await cache.mset(keys.map((key) => ({ key, value: key })))

    const owner = refreshLate.slots[calculateSlot(`${prefix}:outage:0`)]![0]!
    const port = Number(owner.split(':')[1])
    await owned.kill(port)
    // The cache works on its own duplicate of the client, whose connection to the killed master
    // ends (and leaves the pool) as soon as the socket closes.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await owned.restart(port)
    await owned.healthy()

    await cache.clear('outage:*')
    const masters = owned.nodes.map(({ port }) => new Redis(port, '127.0.0.1'))
    try {
      const left = async () => {
        const counts = await Promise.all(
          masters.map(async (node) => {
            const [, found] = await node.scan('0', 'MATCH', `${prefix}:outage:*`, 'COUNT', 10_000)
            return found.length
          }),
        )
        return counts.reduce((a, b) => a + b, 0)
      }
      await waitFor(async () => (await left()) === 0, {
        what: 'the restarted master to lose its keys too',
        timeoutMs: 15_000,
      })
      expect(await left()).toBe(0)
      expect(await cache.mget(keys)).toEqual(keys.map(() => undefined))
    } finally {
      masters.forEach((node) => node.disconnect())
      refreshLate.disconnect()
    }
  }, 60_000)
})
