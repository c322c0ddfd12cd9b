import { waitFor } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { memoryCaches } from '../test/memory-caches.js'
import { CacheClosedError, InvalidKeyError, UnserializableValueError } from './errors.js'

// The in-process tier alone: no I/O, so these are unit tests. Redis behaviour lives in test/.
const memoryCache = memoryCaches()

describe('in-process cache', () => {
  it('returns undefined on a miss and null as a value', async () => {
    const cache = memoryCache()
    expect(await cache.get('missing')).toBeUndefined()
    await cache.set('empty', null)
    expect(await cache.get('empty')).toBeNull()
  })

  it('expires entries after their TTL', async () => {
    const cache = memoryCache()
    await cache.set('short', 1, { ttl: 30 })
    expect(await cache.get('short')).toBe(1)
    await waitFor(async () => (await cache.get('short')) === undefined)
  })

  it('hands out frozen values a caller cannot mutate', async () => {
    const cache = memoryCache()
    const original = { rows: [{ region: 'EU', total: 10 }] }
    await cache.set('report', original)
    original.rows[0]!.total = 999
    const hit = await cache.get<typeof original>('report')
    expect(hit?.rows[0]?.total).toBe(10)
    expect(() => {
      hit!.rows[0]!.total = 1
    }).toThrow(TypeError)
    expect((await cache.get<typeof original>('report'))?.rows[0]?.total).toBe(10)
  })

  it('copies values that cannot be frozen on every hit', async () => {
    const cache = memoryCache()
    await cache.set('lookup', { since: new Date(0), ids: new Set([1]) })
    const first = await cache.get<{ since: Date; ids: Set<number> }>('lookup')
    first!.ids.add(2)
    first!.since.setTime(5)
    const second = await cache.get<{ since: Date; ids: Set<number> }>('lookup')
    expect([...second!.ids]).toEqual([1])
    expect(second!.since.getTime()).toBe(0)
  })

  it('shares values as they are in shared mode', async () => {
    const cache = memoryCache({ l1: { values: 'shared' } })
    const original = { n: 1 }
    await cache.set('k', original)
    expect(await cache.get('k')).toBe(original)
  })

  it('gives each caller its own mutable copy in copied mode', async () => {
    const cache = memoryCache({ l1: { values: 'copied' } })
    await cache.set('k', { n: 1 })
    const first = await cache.get<{ n: number }>('k')
    first!.n = 2
    expect(await cache.get('k')).toEqual({ n: 1 })
  })

  it('runs one loader for 100 concurrent getOrSet callers', async () => {
    const cache = memoryCache()
    let calls = 0
    const loader = async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 20))
      return { value: 'computed' }
    }
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrSet('hot', loader)),
    )
    expect(calls).toBe(1)
    expect(results.every((result) => result.value === 'computed')).toBe(true)
    expect(cache.stats().coalesced).toBe(99)
  })

  it('shares a loader failure with every waiting caller and caches nothing', async () => {
    const cache = memoryCache()
    const failing = () => Promise.reject(new Error('upstream down'))
    const outcomes = await Promise.allSettled([
      cache.getOrSet('k', failing),
      cache.getOrSet('k', failing),
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected'])
    expect(await cache.get('k')).toBeUndefined()
    expect(cache.stats().loadErrors).toBe(1)
  })

  it('serves the stale value within grace while one refresh runs', async () => {
    const cache = memoryCache()
    let version = 0
    const loader = async () => {
      version++
      await new Promise((resolve) => setTimeout(resolve, 30))
      return version
    }
    expect(await cache.getOrSet('k', loader, { ttl: 20, grace: '1m' })).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 40))
    const stale = await Promise.all([
      cache.getOrSet('k', loader, { ttl: 20, grace: '1m' }),
      cache.getOrSet('k', loader, { ttl: 20, grace: '1m' }),
    ])
    expect(stale).toEqual([1, 1])
    await waitFor(async () => (await cache.get('k')) === 2)
    expect(version).toBe(2)
    expect(cache.stats().staleServed).toBeGreaterThanOrEqual(2)
  })

  it('keeps serving the stale value while the loader fails (fail-safe)', async () => {
    const cache = memoryCache()
    await cache.getOrSet('k', () => 'good', { ttl: 10, grace: '1m' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const failing = () => Promise.reject(new Error('db down'))
    expect(await cache.getOrSet('k', failing, { ttl: 10, grace: '1m' })).toBe('good')
    await waitFor(() => cache.stats().loadErrors === 1)
    expect(await cache.getOrSet('k', failing, { ttl: 10, grace: '1m' })).toBe('good')
  })

  it('does not cache a loader result of undefined', async () => {
    const cache = memoryCache()
    expect(await cache.getOrSet('k', () => undefined)).toBeUndefined()
    expect(cache.stats().l1.entries).toBe(0)
  })

  it('reads many keys in order with mget', async () => {
    const cache = memoryCache()
    await cache.mset([
      { key: 'a', value: 1 },
      { key: 'c', value: 3, ttl: '1m' },
    ])
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([1, undefined, 3])
  })

  it('clears by glob pattern and reports how many keys went', async () => {
    const cache = memoryCache()
    await cache.mset(
      ['dashboard:a', 'dashboard:b', 'reports:a'].map((key) => ({ key, value: key })),
    )
    expect(await cache.clear('dashboard:*')).toBe(2)
    expect(await cache.mget(['dashboard:a', 'reports:a'])).toEqual([undefined, 'reports:a'])
    expect(await cache.clear()).toBe(1)
  })

  it('invalidates every entry carrying a tag', async () => {
    const cache = memoryCache()
    await cache.set('q1', 1, { tags: ['sales', 'q1'] })
    await cache.set('q2', 2, { tags: ['sales'] })
    await cache.set('other', 3, { tags: ['hr'] })
    expect(await cache.invalidateTags(['sales'])).toBe(2)
    expect(await cache.mget(['q1', 'q2', 'other'])).toEqual([undefined, undefined, 3])
  })

  it('scopes namespaces by key and by TTL default', async () => {
    const cache = memoryCache({ namespaces: { dashboard: { ttl: 30 } } })
    const dashboard = cache.namespace('dashboard')
    await dashboard.set('sales', 'ns')
    await cache.set('sales', 'root')
    expect(await dashboard.get('sales')).toBe('ns')
    expect(await cache.get('dashboard:sales')).toBe('ns')
    await waitFor(async () => (await dashboard.get('sales')) === undefined)
    expect(await cache.get('sales')).toBe('root')
    await dashboard.set('x', 1)
    expect(await dashboard.clear()).toBe(1)
    expect(await cache.get('sales')).toBe('root')
  })

  it('keeps the byte bound, evicting least recently used entries', async () => {
    const cache = memoryCache({ l1: { maxBytes: 64 * 1024 } })
    const kib = 'x'.repeat(1024)
    for (let i = 0; i < 200; i++) await cache.set(`k${i}`, kib)
    const { l1 } = cache.stats()
    expect(l1.bytes).toBeLessThanOrEqual(64 * 1024)
    expect(l1.evictions).toBeGreaterThan(100)
    expect(await cache.get('k199')).toBe(kib)
    expect(await cache.get('k0')).toBeUndefined()
  })

  it('keeps the entry bound', async () => {
    const cache = memoryCache({ l1: { maxEntries: 10 } })
    for (let i = 0; i < 25; i++) await cache.set(`k${i}`, i)
    expect(cache.stats().l1.entries).toBe(10)
  })

  it('counts hits, misses and hit rate', async () => {
    const cache = memoryCache()
    await cache.set('k', 1)
    await cache.get('k')
    await cache.get('k')
    await cache.get('nope')
    const stats = cache.stats()
    expect(stats).toMatchObject({ hits: 2, misses: 1 })
    expect(stats.hitRate).toBeCloseTo(2 / 3)
    expect(stats.l1).toMatchObject({ hits: 2, misses: 1, sets: 1, entries: 1 })
    expect(stats.l2).toBeUndefined()
  })

  it.each([
    ['an empty key', ''],
    ['an over-long key', 'k'.repeat(1025)],
    ['a non-string key', 42 as unknown as string],
  ])('rejects %s with InvalidKeyError', async (_name, key) => {
    const cache = memoryCache()
    await expect(cache.get(key)).rejects.toThrow(InvalidKeyError)
    await expect(cache.set(key, 1)).rejects.toThrow(/Invalid cache key/)
  })

  it('rejects unserializable values and loses nothing already cached', async () => {
    const cache = memoryCache()
    await cache.set('keep', 'safe')
    await expect(cache.set('keep', { fn: () => 1 })).rejects.toThrow(UnserializableValueError)
    await expect(
      cache.mset([
        { key: 'a', value: 1 },
        { key: 'keep', value: Symbol('no') },
      ]),
    ).rejects.toThrow(/symbol/)
    expect(await cache.get('keep')).toBe('safe')
    expect(await cache.get('a')).toBeUndefined()
  })

  it('rejects negative and NaN TTLs per call', async () => {
    const cache = memoryCache()
    await expect(cache.set('k', 1, { ttl: -5 })).rejects.toThrow(/Invalid ttl -5/)
    await expect(cache.set('k', 1, { ttl: Number.NaN })).rejects.toThrow(/Invalid ttl NaN/)
    await expect(cache.getOrSet('k', () => 1, { grace: -1 })).rejects.toThrow(/Invalid grace/)
  })

  it('refuses use after close, and close is idempotent', async () => {
    const cache = memoryCache()
    await cache.close()
    await cache.close()
    await expect(cache.get('k')).rejects.toThrow(CacheClosedError)
  })
})
