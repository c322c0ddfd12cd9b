import { CacheEngine } from './cache-engine.js'
import { CacheView } from './cache-view.js'
import { resolveOptions } from './options.js'
import type { Cache, CacheOptions } from './types.js'

/**
 * Creates a hybrid cache: an in-process LRU in front of Redis, or the in-process tier alone when
 * no `redis` is given. Options are validated here, once; a bad one throws an
 * `InvalidOptionError` or `InvalidDurationError` naming it.
 *
 * @example
 * const cache = createCache({ redis: 'redis://127.0.0.1:6379', ttl: '10m',
 *   namespaces: { dashboard: { ttl: '30s' } } })
 * const sales = await cache.namespace('dashboard').getOrSet('sales', loadSales, {
 *   tags: ['sales'], grace: '5m' })
 * await cache.invalidateTags(['sales'])
 * await cache.close()
 */
export function createCache(options?: CacheOptions): Cache {
  return new CacheView(new CacheEngine(resolveOptions(options)), '')
}
