import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

import { waitFor } from '@bi-perf/test-services'

export { OwnedCluster, OwnedRedis, freePort, waitFor } from '@bi-perf/test-services'

/** The shared Redis the suite runs against. A missing server fails the tests, never skips them. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

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
