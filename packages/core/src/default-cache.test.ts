import { afterEach, describe, expect, it } from 'vitest'
import { cached } from './cached.js'
import { defaultCache, defaultCacheNamespace, resetDefaultCache } from './default-cache.js'

afterEach(() => resetDefaultCache())

/** Timers and handles that keep the event loop (and so the process) alive. */
const keepingAlive = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout')

describe('defaultCache', () => {
  it('is one in-memory cache for the whole process', async () => {
    expect(defaultCache()).toBe(defaultCache())
    expect(defaultCache().stats().l2).toBeUndefined()
    await defaultCacheNamespace('http').set('k', 1)
    expect(await defaultCache().get('http:k')).toBe(1)
  })

  it('starts no timer that would keep the process alive', async () => {
    const before = keepingAlive().length
    const load = cached((n: number) => n, { key: 'timers', ttl: '1h', grace: '1h' })
    await load(1)
    await defaultCache().set('with-ttl', 'x', { ttl: '10m', tags: ['t'] })
    await defaultCache().get('with-ttl')
    expect(keepingAlive().length).toBe(before)
  })

  it('starts empty again after resetDefaultCache()', async () => {
    const first = defaultCache()
    await first.set('k', 1)
    await resetDefaultCache()
    expect(defaultCache()).not.toBe(first)
    expect(await defaultCache().get('k')).toBeUndefined()
    await expect(first.get('k')).rejects.toMatchObject({ code: 'E_CACHE_CLOSED' })
  })
})
