import { afterEach } from 'vitest'
import { createCache } from '../src/create-cache.js'
import type { Cache, CacheOptions } from '../src/types.js'

/**
 * In-process caches (no Redis, no I/O) for a unit test file: the returned function creates one,
 * and every cache it created is closed after each test.
 */
export function memoryCaches(): (options?: CacheOptions) => Cache {
  const opened: Cache[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()))
  })
  return (options = {}) => {
    const cache = createCache(options)
    opened.push(cache)
    return cache
  }
}
