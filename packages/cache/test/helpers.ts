import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, afterEach } from 'vitest'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { createCache, type Cache, type CacheOptions } from '../src/index.js'

export { OwnedCluster, OwnedRedis, freePort, waitFor } from '@bi-perf/test-services'

/** The shared Redis the suite runs against. A missing server fails the tests, never skips them. */
export const REDIS_URL = redisUrl()

/** A key prefix no other run uses. */
export function uniquePrefix(label: string): string {
  return `bi-perf-test:${label}:${randomUUID().slice(0, 8)}`
}

/** A plain ioredis client for looking at what the cache stored. */
export function inspector(url = REDIS_URL): Redis {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 })
}

/** Deletes every key under a prefix (test clean-up). */
export async function dropPrefix(redis: Redis, prefix: string) {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.unlink(...keys)
  } while (cursor !== '0')
}

/**
 * Writes through `writer` until `reader` sees each new value, proving that the reader's
 * invalidation subscription is live before a test relies on it.
 */
export async function subscriptionLive(
  writer: { set: (key: string, value: number) => Promise<void> },
  reader: { get: (key: string) => Promise<unknown> },
) {
  let round = 0
  await waitFor(
    async () => {
      await writer.set('probe', ++round)
      return (await reader.get('probe')) === round
    },
    { what: 'the subscription' },
  )
}

/**
 * Caches on the shared Redis under one fresh prefix, for a test file: `cache()` opens one (closed
 * after each test), `connected()` waits for its Redis connection, `redis` looks at what was
 * stored; the prefix's keys go when the file ends. The command timeout is generous: these tests
 * are about behaviour, not timeouts (test/fault.test.ts covers those), and must stay steady on a
 * loaded two-core machine.
 */
export function sharedRedisCaches(label: string) {
  const redis = inspector()
  const prefix = uniquePrefix(label)
  const opened: Cache[] = []

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((instance) => instance.close()))
  })
  afterAll(async () => {
    await dropPrefix(redis, prefix)
    await dropPrefix(redis, `${prefix}|`)
    redis.disconnect()
  })

  return {
    redis,
    prefix,
    cache(options: CacheOptions = {}): Cache {
      const instance = createCache({ redis: REDIS_URL, prefix, commandTimeout: '2s', ...options })
      opened.push(instance)
      return instance
    },
    /** Resolves once the cache's Redis connection answers. */
    async connected(instance: Cache): Promise<Cache> {
      await waitFor(() => instance.stats().l2?.connection === 'ready', {
        what: 'the cache to connect',
      })
      return instance
    },
  }
}
