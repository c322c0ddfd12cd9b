import { describe, expect, it } from 'vitest'
import { serialize } from '../src/serializer.js'
import { sharedRedisCaches } from './helpers.js'

const { redis, prefix, cache, connected } = sharedRedisCaches('configure')

// A value of a few hundred serialized bytes that compresses well: below the default threshold.
const midSize = { rows: Array.from({ length: 40 }, (_, id) => ({ id, region: 'EMEA' })) }

describe('configure on a Redis-backed cache', () => {
  it('compresses the next write of a mid-size value once the threshold is lowered', async () => {
    const writer = await connected(cache({ l1: { enabled: false } }))
    const size = serialize('k', midSize).length
    expect(size).toBeGreaterThan(200)
    expect(size).toBeLessThan(writer.settings().compression.threshold)

    await writer.set('before', midSize)
    expect(writer.stats().compression.compressed).toBe(0)
    expect((await redis.getBuffer(`${prefix}:before`))![0]! & 0x3f).toBe(0)

    const settings = writer.configure({ compression: { threshold: 100 } })
    expect(settings.compression).toEqual({ codec: 'lz4', threshold: 100 })
    await writer.set('after', midSize)

    expect(writer.stats().compression.compressed).toBe(1)
    expect(writer.stats().compression.bytesSaved).toBeGreaterThan(0)
    const stored = await redis.getBuffer(`${prefix}:after`)
    expect(stored![0]! & 0x3f).toBe(1)
    expect(stored!.length).toBeLessThan(size)
    // Another instance reads both forms back from Redis.
    const reader = await connected(cache({ l1: { enabled: false } }))
    expect(await reader.get('after')).toEqual(midSize)
    expect(await reader.get('before')).toEqual(midSize)
  })

  it('writes later values with a new codec while older entries still decode', async () => {
    const writer = await connected(cache({ l1: { enabled: false }, compression: { threshold: 0 } }))
    await writer.set('lz4', midSize)
    writer.configure({ compression: { codec: 'gzip' } })
    await writer.set('gzip', midSize)
    expect((await redis.getBuffer(`${prefix}:lz4`))![0]! & 0x3f).toBe(1)
    expect((await redis.getBuffer(`${prefix}:gzip`))![0]! & 0x3f).toBe(2)
    expect(await writer.get('lz4')).toEqual(midSize)
    expect(await writer.get('gzip')).toEqual(midSize)
  })

  it('gives later writes the new ttl in Redis', async () => {
    // No jitter: the test reads the exact expiry.
    const writer = await connected(cache({ ttl: '1h', ttlJitter: 0 }))
    writer.configure({ ttl: '10s' })
    await writer.set('short', 1)
    const ttl = await redis.pttl(`${prefix}:short`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(10_000)
  })
})
