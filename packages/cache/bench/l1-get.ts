import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache as createCacheManager } from 'cache-manager'
import { LRUCache } from 'lru-cache'
import { createCache } from '@bi-perf/cache'
import { measure, report } from '@bi-perf/bench'
import { kibObject } from './payloads.js'

/** In-process hit of a 1 KiB object: ours in each value mode beside lru-cache, cache-manager and bentocache. */
export async function l1GetBench(): Promise<string> {
  const value = kibObject()
  const lru = new LRUCache<string, object>({ max: 10_000 })
  lru.set('k', value)
  const frozen = createCache()
  const shared = createCache({ l1: { values: 'shared' } })
  const copied = createCache({ l1: { values: 'copied' } })
  const frozenWithDate = createCache()
  await Promise.all([frozen.set('k', value), shared.set('k', value), copied.set('k', value)])
  await frozenWithDate.set('k', { ...value, generatedAt: new Date() })
  const cacheManager = createCacheManager()
  await cacheManager.set('k', value)
  const bento = new BentoCache({
    default: 'memory',
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxSize: '100mb' })) },
  })
  await bento.set({ key: 'k', value })
  for (const cache of [frozen, shared, copied]) {
    if (JSON.stringify(await cache.get('k')) !== JSON.stringify(value))
      throw new Error('wrong value')
  }

  const results = await measure([
    { name: 'lru-cache (sync get, reference)', fn: () => lru.get('k') },
    { name: 'bi-perf frozen (default)', fn: () => frozen.get('k') },
    { name: 'bi-perf shared', fn: () => shared.get('k') },
    { name: 'bi-perf copied', fn: () => copied.get('k') },
    {
      name: 'bi-perf frozen, value with a Date (copied on read)',
      fn: () => frozenWithDate.get('k'),
    },
    { name: 'cache-manager 7 (memory)', fn: () => cacheManager.get('k') },
    { name: 'bentocache (memory)', fn: () => bento.get({ key: 'k' }) },
  ])
  await Promise.all([frozen.close(), shared.close(), copied.close(), frozenWithDate.close()])
  await bento.disconnectAll()
  return report('L1 hit `get`, 1 KiB object', results, [
    'bentocache (memory)',
    'cache-manager 7 (memory)',
  ])
}
