import { Cluster } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { createCache, type Cache, type CacheOptions } from '../src/index.js'
import { inspector, OwnedCluster, OwnedRedis, uniquePrefix, waitFor } from './helpers.js'

// The sequences that once returned an old value, each against a Redis that keeps its data (an
// append-only file), as production Redis does: a restart brings old values back.
const servers: { stop(): Promise<void> }[] = []
const caches: Cache[] = []
const clients: { disconnect(): void }[] = []

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()))
  for (const client of clients.splice(0)) client.disconnect()
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function ownedRedis(): Promise<OwnedRedis> {
  const server = await OwnedRedis.start()
  servers.push(server)
  return server
}

function open(redis: CacheOptions['redis'], prefix: string, options: CacheOptions = {}): Cache {
  const cache = createCache({ redis, prefix, commandTimeout: '1s', ...options })
  caches.push(cache)
  return cache
}

/** Waits until the cache's journal is replayed. */
async function replayed(cache: Cache) {
  await waitFor(() => cache.stats().l2?.pendingInvalidations === 0, {
    timeoutMs: 10_000,
    what: 'the journal to be replayed',
  })
}

describe('start-up', () => {
  it('sends writes made before the first connection to Redis, where another instance reads them', async () => {
    const server = await ownedRedis()
    const prefix = uniquePrefix('startup')
    const a = open(server.url, prefix)
    expect(a.stats().l2?.connection).not.toBe('ready')
    await a.set('k', { v: 1 })
    expect(a.stats().l2?.skipped).toBe(0)
    expect(await a.ready()).toBe('connected')
    const b = open(server.url, prefix)
    expect(await b.get('k')).toEqual({ v: 1 })
  })

  it('sends 300 writes made at once to a cluster client that is still connecting', async () => {
    const cluster = await OwnedCluster.start()
    servers.push(cluster)
    const prefix = uniquePrefix('startup-cluster')
    const client = new Cluster(cluster.nodes)
    clients.push(client)
    const a = open(client, prefix)
    const keys = Array.from({ length: 300 }, (_, i) => `warm:${i}`)
    await Promise.all(keys.map((key, i) => a.set(key, i)))
    expect(a.stats().l2?.skipped).toBe(0)
    const b = open(client, prefix)
    expect(await b.mget(keys)).toEqual(keys.map((_, i) => i))
  }, 60_000)

  it('falls back after connectTimeout when Redis is unreachable, journals, and replays once it answers', async () => {
    const server = await ownedRedis()
    const prefix = uniquePrefix('startup-down')
    const seeder = open(server.url, prefix)
    await seeder.set('k', 'old')
    await seeder.close()
    await server.kill()
    const a = open(server.url, prefix, { connectTimeout: 200 })
    await a.set('k', 'written while Redis was down')
    expect(await a.ready()).toBe('fallback')
    expect(await a.get('k')).toBe('written while Redis was down')
    expect(a.stats().l2?.pendingInvalidations).toBe(1)
    await server.start()
    await replayed(a)
    expect(await open(server.url, prefix).get('k')).toBeUndefined()
  })
})

describe('outages with a Redis that keeps its data', () => {
  it('does not let an overwritten value come back after a restart', async () => {
    const server = await ownedRedis()
    const prefix = uniquePrefix('overwrite')
    const a = open(server.url, prefix)
    await a.set('k', 'v1')
    await server.kill()
    await a.set('k', 'v2')
    await server.start()
    await replayed(a)
    const b = open(server.url, prefix)
    expect(await b.get('k')).toBeUndefined()
    expect([undefined, 'v2']).toContain(await a.get('k'))
  })

  it('does not let another instance keep serving its old copy', async () => {
    const server = await ownedRedis()
    const prefix = uniquePrefix('old-copy')
    const a = open(server.url, prefix)
    const b = open(server.url, prefix)
    await a.set('k', 'v1')
    expect(await b.get('k')).toBe('v1')
    await server.kill()
    await a.set('k', 'v2')
    await server.start()
    await replayed(a)
    await waitFor(() => b.stats().l2?.resyncs === 1, { what: 'the resync' })
    await replayed(b)
    expect(await b.get('k')).not.toBe('v1')
    const inspect = inspector(server.url)
    clients.push(inspect)
    expect(await inspect.exists(`${prefix}:k`)).toBe(0)
  })

  it('keeps a later write of another instance when replaying a timed-out one', async () => {
    const server = await ownedRedis()
    const prefix = uniquePrefix('later-write')
    // A's breaker stays open for 3 s after one timeout, so its replay comes after B's write.
    const a = open(server.url, prefix, {
      commandTimeout: 100,
      breaker: { threshold: 1, halfOpenAfter: '3s' },
    })
    const b = open(server.url, prefix)
    expect(await a.ready()).toBe('connected')
    expect(await b.ready()).toBe('connected')
    expect(await a.get('k')).toBeUndefined()
    // A's start-up load of the shared shape list may still be in flight (under load it can go
    // out after the get); once both are answered, the one timeout counted below is the set's.
    await waitFor(() => (a.stats().l2?.latencyMs.count ?? 0) >= 2, {
      what: "A's start-up commands to be answered",
    })
    server.pause()
    await a.set('k', 'v2') // times out: it may land later, and does, when Redis resumes
    expect(a.stats().l2?.timeouts).toBe(1)
    server.resume()
    await b.set('k', 'v3')
    expect(a.stats().l2?.pendingInvalidations).toBe(1)
    await replayed(a)
    expect(await b.get('k')).toBe('v3')
    expect(await open(server.url, prefix).get('k')).toBe('v3')
    await waitFor(async () => (await a.get('k')) === 'v3', { what: 'A to read the later write' })
  })
})
