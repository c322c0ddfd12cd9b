import { afterAll, describe, expect, it } from 'vitest'
import { createCache } from '../src/index.js'
import { deserialize, serialize } from '../src/serializer.js'
import { inspector, OwnedRedis, sharedRedisCaches, waitFor } from './helpers.js'

const { redis, prefix, cache, connected } = sharedRedisCaches('two-tier')

describe('two-tier cache on Redis', () => {
  it('stores entries under <prefix>:<namespace>:<key> with a Redis TTL', async () => {
    // No jitter: the test reads the exact expiry.
    const instance = await connected(
      cache({ ttlJitter: 0, namespaces: { dashboard: { ttl: '30s' } } }),
    )
    await instance.set('plain', 1, { ttl: '10s' })
    await instance.namespace('dashboard').set('sales', 2)
    expect(await redis.exists(`${prefix}:plain`)).toBe(1)
    expect(await redis.exists(`${prefix}:dashboard:sales`)).toBe(1)
    const plainTtl = await redis.pttl(`${prefix}:plain`)
    expect(plainTtl).toBeGreaterThan(0)
    expect(plainTtl).toBeLessThanOrEqual(10_000)
    expect(await redis.pttl(`${prefix}:dashboard:sales`)).toBeGreaterThan(10_000)
  })

  it('spreads TTLs within the jitter band', async () => {
    const instance = await connected(cache({ ttlJitter: 0.5 }))
    await instance.mset(
      Array.from({ length: 40 }, (_, i) => ({ key: `jitter:${i}`, value: i, ttl: '10s' })),
    )
    const ttls = await Promise.all(
      Array.from({ length: 40 }, (_, i) => redis.pttl(`${prefix}:jitter:${i}`)),
    )
    expect(Math.min(...ttls)).toBeGreaterThan(4_000)
    expect(Math.max(...ttls)).toBeLessThanOrEqual(15_000)
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(2_000)
  })

  it('serves a second instance from Redis with the same shapes as the in-process tier', async () => {
    const writer = await connected(cache())
    const reader = await connected(cache())
    const value = {
      when: new Date('2026-11-28T12:00:00Z'),
      total: 12_345_678_901_234_567_890n,
      byRegion: new Map([['EU', 1]]),
      flags: new Set(['a']),
      blob: Buffer.from('raw'),
      nothing: null,
    }
    await reader.ready()
    await writer.set('shapes', value)
    // The write's eviction message reaching the reader mid-read would (rightly) keep the value
    // out of its in-process tier: wait for it first.
    await waitFor(() => reader.stats().l2!.invalidationsReceived >= 1, {
      what: 'the eviction message',
    })
    const fromL1 = await writer.get('shapes')
    const fromL2 = await reader.get('shapes')
    expect(fromL2).toEqual(value)
    expect(fromL2).toEqual(fromL1)
    expect(reader.stats().l2?.hits).toBe(1)
    expect(await reader.get('shapes')).toEqual(value)
    expect(reader.stats().l1.hits).toBe(1)
  })

  it('compresses large values, and any codec reads any entry', async () => {
    const lz4 = await connected(cache({ compression: { codec: 'lz4' }, l1: { enabled: false } }))
    const gzip = await connected(cache({ compression: { codec: 'gzip' }, l1: { enabled: false } }))
    const report = {
      rows: Array.from({ length: 500 }, (_, i) => ({ id: i, region: 'EMEA', total: i * 3 })),
    }
    await lz4.set('by-lz4', report)
    await gzip.set('by-gzip', report)
    const lz4Stored = await redis.getBuffer(`${prefix}:by-lz4`)
    const gzipStored = await redis.getBuffer(`${prefix}:by-gzip`)
    expect(lz4Stored![0]! & 0x3f).toBe(1)
    expect(gzipStored![0]! & 0x3f).toBe(2)
    expect(lz4Stored!.length).toBeLessThan(serialize('k', report).length)
    expect(await gzip.get('by-lz4')).toEqual(report)
    expect(await lz4.get('by-gzip')).toEqual(report)
    expect(lz4.stats().compression.compressed).toBe(1)
    expect(lz4.stats().compression.bytesSaved).toBeGreaterThan(0)
  })

  it('leaves small values uncompressed', async () => {
    const instance = await connected(cache())
    await instance.set('small', { id: 1 })
    const stored = await redis.getBuffer(`${prefix}:small`)
    expect(stored![0]! & 0x3f).toBe(0)
    // After the 25-byte header, a 6-byte shape reference: generation 0 (self-describing) for a
    // shape this cache met for the first time.
    expect(stored!.readUInt32BE(25)).toBe(0)
    expect(deserialize(stored!.subarray(31))).toEqual({ id: 1 })
  })

  it('runs one loader for 100 concurrent callers on a cold key', async () => {
    const instance = await connected(cache())
    let calls = 0
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        instance.getOrSet('cold', async () => {
          calls++
          await new Promise((resolve) => setTimeout(resolve, 20))
          return 'loaded'
        }),
      ),
    )
    expect(calls).toBe(1)
    expect(new Set(results)).toEqual(new Set(['loaded']))
    expect(await redis.exists(`${prefix}:cold`)).toBe(1)
  })

  it('serves a stale Redis entry within grace to another instance and refreshes it once', async () => {
    const first = await connected(cache())
    await first.getOrSet('graceful', () => 'v1', { ttl: 50, grace: '1m' })
    await new Promise((resolve) => setTimeout(resolve, 80))
    const second = await connected(cache())
    let loads = 0
    const loader = () => {
      loads++
      return 'v2'
    }
    expect(await second.getOrSet('graceful', loader, { ttl: '1m', grace: '1m' })).toBe('v1')
    await waitFor(async () => (await second.get('graceful')) === 'v2', { what: 'the refresh' })
    expect(loads).toBe(1)
    expect(second.stats().staleServed).toBe(1)
  })

  it('clears a pattern with SCAN + UNLINK in both tiers and counts what went', async () => {
    const instance = await connected(cache())
    const entries = Array.from({ length: 2_500 }, (_, i) => ({ key: `bulk:${i}`, value: i }))
    await instance.mset(entries)
    await instance.set('kept:1', 'stay')
    expect(await instance.clear('bulk:*')).toBe(2_500)
    const [, left] = await redis.scan('0', 'MATCH', `${prefix}:bulk:*`, 'COUNT', 10_000)
    expect(left).toEqual([])
    expect(await instance.get('bulk:7')).toBeUndefined()
    expect(await instance.get('kept:1')).toBe('stay')
  })

  it('invalidates tags everywhere: Redis, this instance and other instances', async () => {
    const writer = await connected(cache())
    const reader = await connected(cache())
    await writer.set('t:1', 1, { tags: ['sales'] })
    await writer.set('t:2', 2, { tags: ['sales', 'eu'] })
    await writer.set('t:3', 3, { tags: ['hr'] })
    expect(await reader.mget(['t:1', 't:2', 't:3'])).toEqual([1, 2, 3])
    expect(await redis.smembers(`${prefix}|tag:sales`)).toHaveLength(2)
    expect(await writer.invalidateTags(['sales'])).toBe(2)
    expect(await redis.exists(`${prefix}:t:1`, `${prefix}:t:2`, `${prefix}|tag:sales`)).toBe(0)
    await waitFor(async () => (await reader.get('t:1')) === undefined, { what: 'tag eviction' })
    expect(await reader.mget(['t:2', 't:3'])).toEqual([undefined, 3])
  })

  it('deletes from both tiers and says whether anything was there', async () => {
    const instance = await connected(cache())
    await instance.set('gone', 1)
    expect(await instance.delete('gone')).toBe(true)
    expect(await instance.delete('gone')).toBe(false)
    expect(await redis.exists(`${prefix}:gone`)).toBe(0)
  })

  it('reports Redis figures in stats', async () => {
    const instance = await connected(cache())
    await instance.set('s', 1)
    const other = await connected(cache())
    await other.get('s')
    await other.get('missing')
    const l2 = other.stats().l2!
    expect(l2).toMatchObject({
      hits: 1,
      misses: 1,
      errors: 0,
      breaker: 'closed',
      connection: 'ready',
    })
    // The two gets, and the shape list's load at start-up (one command on the same connection).
    expect(l2.latencyMs.count).toBe(3)
    expect(l2.latencyMs.p99).toBeGreaterThanOrEqual(l2.latencyMs.p50)
    expect(l2.latencyMs.p50).toBeGreaterThan(0)
  })

  it('uses a caller-owned ioredis client without closing it', async () => {
    const own = inspector()
    const instance = createCache({ redis: own, prefix, commandTimeout: '2s' })
    await connected(instance)
    await instance.set('via-client', 'yes')
    expect(await createCache({ prefix }).get('via-client')).toBeUndefined()
    expect(await own.exists(`${prefix}:via-client`)).toBe(1)
    await instance.close()
    expect(await own.ping()).toBe('PONG')
    own.disconnect()
  })
})

describe('mget', () => {
  const owned: OwnedRedis[] = []
  afterAll(async () => {
    await Promise.all(owned.map((server) => server.stop()))
  })

  it('answers from the in-process tier first, then with one MGET for the rest', async () => {
    const server = await OwnedRedis.start()
    owned.push(server)
    const settings = { redis: server.url, coherence: false }
    const local = cache(settings)
    const writer = cache(settings)
    await connected(local)
    await connected(writer)
    await local.set('m:1', 1)
    await writer.mset([2, 3, 4].map((n) => ({ key: `m:${n}`, value: n })))
    const probe = inspector(server.url)
    await probe.config('RESETSTAT')
    expect(await local.mget(['m:1', 'm:2', 'm:3', 'm:4', 'm:5'])).toEqual([1, 2, 3, 4, undefined])
    const stats = await probe.info('commandstats')
    probe.disconnect()
    expect(stats).toMatch(/cmdstat_mget:calls=1,/)
    expect(stats).not.toMatch(/cmdstat_get:/)
    expect(local.stats().l1.hits).toBe(1)
    expect(local.stats().l2).toMatchObject({ hits: 3, misses: 1 })
  })
})
