import { waitFor } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { memoryCaches } from '../test/memory-caches.js'
import { CacheClosedError, InvalidDurationError, InvalidOptionError } from './errors.js'
import type { CacheReconfiguration } from './types.js'

// The in-process tier alone: no I/O. The Redis side (compression) lives in test/.
const memoryCache = memoryCaches()

const keys = (count: number) => Array.from({ length: count }, (_, index) => `k${index}`)

describe('cache.configure', () => {
  it('reports the settings in force, defaults included', () => {
    const cache = memoryCache({ ttl: '10m', l1: { maxEntries: 50 } })
    expect(cache.settings()).toEqual({
      ttlMs: 600_000,
      ttlJitter: 0.1,
      graceMs: 0,
      l1: { enabled: true, maxEntries: 50, maxBytes: 64 * 1024 * 1024, values: 'frozen' },
      compression: { codec: 'lz4', threshold: 1024 },
      commandTimeoutMs: 100,
    })
  })

  it('evicts least recently used entries down to a lowered entry bound at once', async () => {
    const cache = memoryCache()
    for (const key of keys(10)) await cache.set(key, key)
    await cache.get('k0') // now the most recently used
    const settings = cache.configure({ l1: { maxEntries: 4 } })

    expect(settings.l1.maxEntries).toBe(4)
    const { l1 } = cache.stats()
    expect(l1).toMatchObject({ entries: 4, evictions: 6, maxEntries: 4 })
    const values = await cache.mget(keys(10))
    expect(values).toEqual(['k0', ...Array.from({ length: 6 }, () => undefined), 'k7', 'k8', 'k9'])
  })

  it('evicts down to a lowered byte bound, keeping the most recently used', async () => {
    const cache = memoryCache()
    for (const key of keys(20)) await cache.set(key, { key, padding: 'x'.repeat(200) })
    const before = cache.stats().l1
    const maxBytes = Math.floor(before.bytes / 4)
    cache.configure({ l1: { maxBytes } })

    const after = cache.stats().l1
    expect(after.maxBytes).toBe(maxBytes)
    expect(after.bytes).toBeLessThanOrEqual(maxBytes)
    expect(after.entries).toBeGreaterThan(0)
    expect(after.evictions).toBe(20 - after.entries)
    expect(await cache.get('k19')).toEqual({ key: 'k19', padding: 'x'.repeat(200) })
    expect(await cache.get('k0')).toBeUndefined()
  })

  it('keeps every entry, in LRU order, when the bounds grow', async () => {
    const cache = memoryCache({ l1: { maxEntries: 5 } })
    for (const key of keys(5)) await cache.set(key, key)
    await cache.get('k0')
    cache.configure({ l1: { maxEntries: 8 } })

    expect(cache.stats().l1).toMatchObject({ entries: 5, evictions: 0, maxEntries: 8 })
    for (const key of ['x', 'y', 'z', 'w']) await cache.set(key, key)
    // Eight fit; the ninth entry pushed out the least recently used one, k1 (k0 was read).
    expect(cache.stats().l1).toMatchObject({ entries: 8, evictions: 1 })
    expect(await cache.get('k1')).toBeUndefined()
    expect(await cache.mget(['k0', 'k2', 'k3', 'k4', 'x', 'y', 'z', 'w'])).not.toContain(undefined)
  })

  it('keeps the remaining time to live of entries moved by a resize', async () => {
    const cache = memoryCache()
    await cache.set('short', 1, { ttl: 40 })
    await cache.set('long', 2)
    cache.configure({ l1: { maxEntries: 100 } })
    expect(await cache.get('short')).toBe(1)
    await waitFor(async () => (await cache.get('short')) === undefined)
    expect(await cache.get('long')).toBe(2)
  })

  it('keeps tag invalidation exact after entries were evicted by a resize', async () => {
    const cache = memoryCache()
    for (const key of keys(6)) await cache.set(key, key, { tags: ['all'] })
    cache.configure({ l1: { maxEntries: 2 } })
    expect(await cache.invalidateTags(['all'])).toBe(2)
    expect(cache.stats().l1.entries).toBe(0)
  })

  it('applies a new ttl to later writes only', async () => {
    const cache = memoryCache({ ttl: '1h' })
    await cache.set('before', 1)
    cache.configure({ ttl: 40 })
    await cache.set('after', 2)
    expect(cache.settings().ttlMs).toBe(40)
    await waitFor(async () => (await cache.get('after')) === undefined)
    expect(await cache.get('before')).toBe(1)
  })

  it('reaches namespaces without their own ttl, not those with one', async () => {
    const cache = memoryCache({ ttl: '1h', namespaces: { fixed: { ttl: '1h' } } })
    cache.configure({ ttl: 40 })
    await cache.namespace('plain').set('k', 1)
    await cache.namespace('fixed').set('k', 2)
    await waitFor(async () => (await cache.namespace('plain').get('k')) === undefined)
    expect(await cache.namespace('fixed').get('k')).toBe(2)
  })

  it('changes the whole cache when called on a namespace', () => {
    const cache = memoryCache()
    const settings = cache.namespace('dashboard').configure({ ttlJitter: 0.2, grace: '5m' })
    expect(settings).toMatchObject({ ttlJitter: 0.2, graceMs: 300_000 })
    expect(cache.settings()).toEqual(settings)
  })

  it.each<[CacheReconfiguration, RegExp]>([
    [{ ttl: '5m', l1: { maxEntries: 0 } }, /l1\.maxEntries 0: must be a positive integer/],
    [{ l1: { maxBytes: 1.5 } }, /l1\.maxBytes/],
    [{ ttlJitter: 1 }, /ttlJitter 1: must be a fraction/],
    [{ compression: { codec: 'zstd' as never } }, /compression\.codec.*lz4, gzip, none/],
    [{ compression: { threshold: -1 } }, /compression\.threshold -1: must be a non-negative/],
    [{ ttl: '5m', prefix: 'other' } as never, /prefix .*cannot be changed at run time/],
    [{ l1: { values: 'shared' } } as never, /l1\.values .*cannot be changed at run time/],
    [{ tll: '5m' } as never, /tll .*unknown option; did you mean "ttl"\?/],
    [{ l1: { maxEntires: 5 } } as never, /l1\.maxEntires .*did you mean "l1\.maxEntries"\?/],
  ])('rejects %j with an InvalidOptionError and changes nothing', async (changes, rule) => {
    const cache = memoryCache({ l1: { maxEntries: 3 } })
    for (const key of keys(3)) await cache.set(key, key)
    const before = cache.settings()
    expect(() => cache.configure(changes)).toThrow(InvalidOptionError)
    expect(() => cache.configure(changes)).toThrow(rule)
    expect(cache.settings()).toEqual(before)
    expect(cache.stats().l1).toMatchObject({ entries: 3, evictions: 0 })
  })

  it('rejects a bad duration with the InvalidDurationError of createCache and changes nothing', () => {
    const cache = memoryCache()
    const before = cache.settings()
    expect(() => cache.configure({ l1: { maxEntries: 5 }, ttl: -1 })).toThrow(InvalidDurationError)
    expect(() => cache.configure({ grace: 'soon' })).toThrow(/Invalid grace "soon"/)
    expect(cache.settings()).toEqual(before)
  })

  it('refuses to configure a closed cache', async () => {
    const cache = memoryCache()
    await cache.close()
    expect(() => cache.configure({ ttl: '1m' })).toThrow(CacheClosedError)
  })
})

describe('cache.shrink', () => {
  it('drops least recently used entries down to the share of bytes kept, and keeps the bounds', async () => {
    const cache = memoryCache({ l1: { maxEntries: 1_000 } })
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, { i, text: 'x'.repeat(100) })
    await cache.get('k0') // now the most recently used
    const before = cache.stats().l1

    const dropped = cache.namespace('any').shrink(0.5)

    const after = cache.stats().l1
    expect(after.bytes).toBeLessThanOrEqual(before.bytes * 0.5)
    expect(after.entries).toBe(100 - dropped)
    expect(after.evictions).toBe(before.evictions + dropped)
    expect(after.maxBytes).toBe(before.maxBytes)
    expect(await cache.get('k0')).toEqual({ i: 0, text: 'x'.repeat(100) })
    expect(await cache.get('k1')).toBeUndefined()
  })

  it('rejects a share outside 0–1 and changes nothing', async () => {
    const cache = memoryCache()
    await cache.set('k', 1)
    expect(() => cache.shrink(1.5)).toThrow(InvalidOptionError)
    expect(() => cache.shrink(Number.NaN)).toThrow(InvalidOptionError)
    expect(cache.stats().l1.entries).toBe(1)
  })
})
