import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache, type Cache, type CacheOptions } from '../src/index.js'
import { OwnedCluster, OwnedRedis, uniquePrefix, waitFor } from './helpers.js'

// Read coalescing counted on servers this file owns: `INFO commandstats` read over a second
// connection says how many GETs and MGETs the cache really sent, with no MONITOR.

/** Calls per command (lower case) on one server, from `INFO commandstats`. */
async function commandCalls(server: Redis): Promise<Record<string, number>> {
  const info = await server.info('commandstats')
  const calls: Record<string, number> = {}
  for (const [, name, count] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[name!] = Number(count)
  }
  return calls
}

/** GET and MGET calls made on the servers while `action` ran. */
async function readsDuring(servers: Redis[], action: () => Promise<unknown>) {
  const before = await Promise.all(servers.map(commandCalls))
  await action()
  const after = await Promise.all(servers.map(commandCalls))
  const delta = (name: string) =>
    after.reduce((sum, calls, index) => sum + (calls[name] ?? 0) - (before[index]![name] ?? 0), 0)
  return { get: delta('get'), mget: delta('mget') }
}

const caches: Cache[] = []

async function openCache(options: CacheOptions): Promise<Cache> {
  const cache = createCache({ commandTimeout: '2s', ...options })
  caches.push(cache)
  await waitFor(() => cache.stats().l2?.connection === 'ready', { what: 'the cache to connect' })
  await cache.ready()
  return cache
}

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()))
})

describe('read coalescing on one Redis', () => {
  let server: OwnedRedis
  let stats: Redis
  const prefix = uniquePrefix('coalesce')
  const keys = Array.from({ length: 64 }, (_, i) => `report:${i}`)
  let writer: Cache

  beforeAll(async () => {
    server = await OwnedRedis.start()
    stats = new Redis(server.url)
    writer = await openCache({ redis: server.url, prefix })
    await writer.mset(keys.map((key, i) => ({ key, value: { id: i, when: new Date(i) } })))
  }, 30_000)

  afterAll(async () => {
    stats?.disconnect()
    await server?.stop()
  })

  it('sends 64 concurrent gets as one MGET, each caller getting its own value', async () => {
    const reader = await openCache({ redis: server.url, prefix, l1: { enabled: false } })
    let values: unknown[] = []
    const calls = await readsDuring([stats], async () => {
      values = await Promise.all(keys.map((key) => reader.get(key)))
    })
    expect(calls).toEqual({ get: 0, mget: 1 })
    expect(values).toEqual(keys.map((_, i) => ({ id: i, when: new Date(i) })))
    expect(reader.stats().l2?.hits).toBe(64)
  })

  it('sends a lone get as a plain GET', async () => {
    const reader = await openCache({ redis: server.url, prefix, l1: { enabled: false } })
    const calls = await readsDuring([stats], () => reader.get(keys[5]!))
    expect(calls).toEqual({ get: 1, mget: 0 })
  })

  it('splits batches at maxBatch', async () => {
    const reader = await openCache({
      redis: server.url,
      prefix,
      l1: { enabled: false },
      coalesce: { maxBatch: 16 },
    })
    const calls = await readsDuring([stats], () => Promise.all(keys.map((key) => reader.get(key))))
    expect(calls).toEqual({ get: 0, mget: 4 })
  })

  it('sends one GET per read when coalescing is off', async () => {
    const reader = await openCache({
      redis: server.url,
      prefix,
      l1: { enabled: false },
      coalesce: false,
    })
    const calls = await readsDuring([stats], () =>
      Promise.all(keys.slice(0, 8).map((key) => reader.get(key))),
    )
    expect(calls).toEqual({ get: 8, mget: 0 })
  })

  it('makes a corrupt entry a miss for its key only', async () => {
    const reader = await openCache({ redis: server.url, prefix, l1: { enabled: false } })
    await stats.set(`${prefix}:corrupt`, Buffer.from([0x89, 1, 2, 3]))
    await stats.rpush(`${prefix}:a-list`, 'not a cache entry')
    const wanted = [keys[0]!, 'corrupt', keys[1]!, 'a-list', 'absent', keys[2]!]
    let values: unknown[] = []
    const calls = await readsDuring([stats], async () => {
      values = await Promise.all(wanted.map((key) => reader.get(key)))
    })
    expect(calls).toEqual({ get: 0, mget: 1 })
    expect(values).toEqual([
      { id: 0, when: new Date(0) },
      undefined,
      { id: 1, when: new Date(1) },
      undefined,
      undefined,
      { id: 2, when: new Date(2) },
    ])
  })

  it('lets getOrSet misses of the in-process tier join the batch of plain gets', async () => {
    const reader = await openCache({ redis: server.url, prefix })
    let loads = 0
    const loader = () => {
      loads++
      return { id: -1, when: new Date(0) }
    }
    let values: unknown[] = []
    const calls = await readsDuring([stats], async () => {
      values = await Promise.all(
        keys
          .slice(0, 20)
          .map((key, i) => (i % 2 === 0 ? reader.getOrSet(key, loader) : reader.get(key))),
      )
    })
    expect(calls).toEqual({ get: 0, mget: 1 })
    expect(loads).toBe(0)
    expect(values).toEqual(keys.slice(0, 20).map((_, i) => ({ id: i, when: new Date(i) })))
    // Values read through the batch are kept in-process like any other read.
    expect(reader.stats().l1.entries).toBe(20)
  })
})

describe('read coalescing on a Redis Cluster', () => {
  let owned: OwnedCluster
  let client: Cluster
  let masters: Redis[]
  const prefix = uniquePrefix('coalesce-cluster')

  beforeAll(async () => {
    owned = await OwnedCluster.start()
    client = new Cluster(owned.nodes)
    await waitFor(() => client.status === 'ready', { what: 'the cluster client' })
    masters = owned.ports.map((port) => new Redis(port, '127.0.0.1'))
  }, 60_000)

  afterAll(async () => {
    for (const master of masters ?? []) master.disconnect()
    client?.disconnect()
    await owned?.stop()
  })

  it('sends one MGET per hash slot, and a GET for a slot with one key', async () => {
    const writer = await openCache({ redis: client, prefix })
    const reader = await openCache({ redis: client, prefix, l1: { enabled: false } })
    // Hash tags put each group in one slot: two slots of 8 keys and one slot with one key.
    const keys = [
      ...Array.from({ length: 8 }, (_, i) => `{north}:${i}`),
      ...Array.from({ length: 8 }, (_, i) => `{south}:${i}`),
      '{alone}:0',
    ]
    await writer.mset(keys.map((key) => ({ key, value: { key } })))
    let values: unknown[] = []
    const calls = await readsDuring(masters, async () => {
      values = await Promise.all(keys.map((key) => reader.get(key)))
    })
    expect(calls).toEqual({ get: 1, mget: 2 })
    expect(values).toEqual(keys.map((key) => ({ key })))
    expect(reader.stats().l2?.errors).toBe(0)
  })
})
