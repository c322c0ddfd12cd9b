import { waitFor } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from './errors.js'
import { createMemoryStore } from './memory-store.js'

describe('createMemoryStore', () => {
  it('returns what was set and undefined on a miss', async () => {
    const store = createMemoryStore()
    await store.set('a', [1])
    expect(await store.get('a')).toEqual([1])
    expect(await store.get('b')).toBeUndefined()
  })

  it('drops every entry of an invalidated tag, and only those', async () => {
    const store = createMemoryStore()
    await store.set('a', 1, { tags: ['table:prices'] })
    await store.set('b', 2, { tags: ['table:prices', 'table:products'] })
    await store.set('c', 3, { tags: ['table:stores'] })
    expect(await store.invalidateTags(['table:prices'])).toBe(2)
    expect(await store.get('a')).toBeUndefined()
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('c')).toBe(3)
  })

  it('evicts the least recently used entry past maxEntries', async () => {
    const store = createMemoryStore({ maxEntries: 2 })
    await store.set('a', 1)
    await store.set('b', 2)
    await store.get('a')
    await store.set('c', 3)
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('a')).toBe(1)
    expect(store.size).toBe(2)
  })

  it('treats an expired entry as a miss', async () => {
    const store = createMemoryStore()
    await store.set('a', 1, { ttl: 1 })
    await waitFor(async () => (await store.get('a')) === undefined, { what: 'the entry to expire' })
    expect(store.size).toBe(0)
  })

  it('rejects a bad bound', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(InvalidOptionError)
  })

  it('rejects an unknown option, naming the closest valid one', () => {
    expect(() => createMemoryStore({ maxEntrie: 5 } as never)).toThrow(
      /maxEntrie 5: unknown option; did you mean "maxEntries"\?/,
    )
  })
})
