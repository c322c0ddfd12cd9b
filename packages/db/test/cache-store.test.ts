import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache } from '@bi-perf/cache'
import { tableTag, type CacheStore } from '@bi-perf/db'
import { redisUrl } from '@bi-perf/test-services'
import { freshId, openDatabase } from './helpers.js'

/** A real store that keeps what it was asked, to check the CacheStore contract from outside. */
class RecordingStore implements CacheStore {
  readonly values = new Map<string, unknown>()
  readonly sets: { key: string; ttl: unknown; tags: readonly string[] }[] = []
  readonly invalidated: (readonly string[])[] = []

  get(key: string) {
    return Promise.resolve(this.values.get(key))
  }

  set(
    key: string,
    value: unknown,
    options: { ttl?: number | string; tags?: readonly string[] } = {},
  ) {
    this.values.set(key, value)
    this.sets.push({ key, ttl: options.ttl, tags: options.tags ?? [] })
    return Promise.resolve()
  }

  invalidateTags(tags: readonly string[]) {
    this.invalidated.push(tags)
    return Promise.resolve(0)
  }
}

describe('the CacheStore contract', () => {
  it('stores results under a hashed key with TTL and table tags, and invalidates writes', async () => {
    const store = new RecordingStore()
    const { db, dispose } = await openDatabase('postgres', { cache: store, cacheTtl: '30s' })
    try {
      const id = freshId()
      const query = db.kysely
        .selectFrom('prices')
        .innerJoin('products', 'products.id', 'prices.product_id')
        .select('price')
        .where('product_id', '=', id)
      await db.cached(query, { tags: ['dashboard'] })
      expect(store.sets).toHaveLength(1)
      expect(store.sets[0]!.key).toMatch(/^db:q:[\w-]{43}$/)
      expect(store.sets[0]!.key).not.toContain(String(id))
      expect(store.sets[0]!.ttl).toBe(30_000)
      expect([...store.sets[0]!.tags].sort()).toEqual(
        ['dashboard', tableTag('prices'), tableTag('products')].sort(),
      )
      await db.kysely.deleteFrom('products').where('id', '=', id).execute()
      expect(store.invalidated).toEqual([[tableTag('products')]])
      await db.invalidate(['dashboard'])
      expect(store.invalidated[1]).toEqual(['dashboard'])
    } finally {
      await dispose()
    }
  })

  it('answers queries while the store throws, and counts the failures', async () => {
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
      invalidateTags: () => Promise.reject(new Error('store down')),
    }
    const { db, dispose } = await openDatabase('postgres', { cache: broken })
    try {
      const id = freshId()
      const query = () => db.kysely.selectFrom('prices').select('id').where('product_id', '=', id)
      expect(await db.cached(query())).toEqual([])
      await db.kysely
        .insertInto('prices')
        .values({ product_id: id, price: '1', at: new Date() })
        .execute()
      expect(await db.cached(query())).toHaveLength(1)
      expect(db.stats().cache.storeErrors).toBe(5)
    } finally {
      await dispose()
    }
  })
})

describe('with @bi-perf/cache', () => {
  const prefix = `bi-perf-test:db:${randomUUID().slice(0, 8)}`
  let inspector: Redis

  beforeAll(() => {
    inspector = new Redis(redisUrl(), { maxRetriesPerRequest: 1 })
  })

  afterAll(async () => {
    let cursor = '0'
    do {
      const [next, keys] = await inspector.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await inspector.unlink(...keys)
    } while (cursor !== '0')
    inspector.disconnect()
  })

  it.each([
    ['in-process', () => createCache({ prefix })],
    ['on Redis', () => createCache({ redis: redisUrl(), prefix, l1: { enabled: false } })],
  ])('caches and invalidates through a %s cache', async (label, make) => {
    const cache = make()
    const { db, dispose } = await openDatabase('postgres', { cache })
    try {
      const id = freshId()
      const query = () =>
        db.kysely.selectFrom('prices').select(['product_id']).where('product_id', '=', id)
      expect(await db.cached(query())).toEqual([])
      const executed = db.stats().queries.executed
      expect(await db.cached(query())).toEqual([])
      expect(db.stats().queries.executed).toBe(executed)
      expect(db.stats().cache.hits).toBe(1)
      if (label === 'on Redis') {
        const keys = await inspector.keys(`${prefix}*`)
        expect(keys.some((key) => key.includes('db:q:'))).toBe(true)
      }
      await db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('prices')
          .values({ product_id: id, price: '1', at: new Date() })
          .execute()
      })
      expect(await db.cached(query())).toEqual([{ product_id: id }])
      expect(db.stats().cache.storeErrors).toBe(0)
    } finally {
      await dispose()
      await cache.close()
    }
  })
})
