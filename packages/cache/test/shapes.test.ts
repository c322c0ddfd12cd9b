import { describe, expect, it } from 'vitest'
import type { Cache } from '../src/index.js'
import { serialize } from '../src/serializer.js'
import { sharedRedisCaches, waitFor } from './helpers.js'

// The shared shape list on the real Redis: how instances agree on it, what they do with entries
// of other layouts and generations, and that no path decodes an entry with the wrong keys.

const { cache, connected, redis, prefix } = sharedRedisCaches('shapes')
const listKey = `${prefix}|shapes`

const rows = Array.from({ length: 9 }, (_, id) => ({
  id,
  name: `product ${id}`,
  at: new Date(1_700_000_000_000 + id),
  meta: { region: 'EMEA', rank: id },
}))
const report = { rows, total: 9n, byRegion: new Map([['EMEA', 9]]) }

/** The generation and shape count an entry names (header 25 bytes, then the reference). */
async function referenceOf(key: string) {
  const stored = await redis.getBuffer(`${prefix}:${key}`)
  return { generation: stored!.readUInt32BE(25), shapes: stored!.readUInt16BE(29) }
}

/** Writes `value` until the writer refers to shapes for it (they were added to the list). */
async function writeUntilShared(writer: Cache, key: string, value: unknown) {
  await waitFor(
    async () => {
      await writer.set(key, value)
      return (await referenceOf(key)).generation !== 0
    },
    { what: 'the shapes to reach the shared list' },
  )
}

describe('shared shapes on Redis', () => {
  it('adds shapes seen twice to the list, and an instance behind on it reads entries using them', async () => {
    const writer = await connected(cache({ l1: { enabled: false } }))
    const reader = await connected(cache({ l1: { enabled: false } }))
    expect(await reader.get('absent')).toBeUndefined() // the reader's list is loaded now
    const before = await redis.lrange(listKey, 0, -1)

    await writeUntilShared(writer, 'report', report)
    const list = await redis.lrange(listKey, 0, -1)
    expect(list[0]).toBe(before[0]) // same generation, grown by appends only
    expect(list.slice(0, before.length)).toEqual(before)
    const shapes = list.slice(1).map((json) => JSON.parse(json) as string[])
    expect(shapes).toContainEqual(['id', 'name', 'at', 'meta'])
    expect(shapes).toContainEqual(['region', 'rank'])
    const reference = await referenceOf('report')
    expect(reference.generation).toBe(Number(list[0]))
    expect(reference.shapes).toBe(shapes.length)

    // The reader learns the longer list on this read: the value, not a miss.
    expect(await reader.get('report')).toEqual(report)
    // And it writes with the shapes it now knows, which the writer reads.
    await reader.set('back', report)
    expect((await referenceOf('back')).generation).toBe(Number(list[0]))
    expect(await writer.get('back')).toEqual(report)
  })

  it('shrinks entries that use shared shapes', async () => {
    const writer = await connected(cache({ l1: { enabled: false } }))
    // Shapes no other test uses, so the first write is self-describing.
    const orders = Array.from({ length: 20 }, (_, n) => ({
      sku: `s-${n}`,
      qty: n,
      unitPrice: n / 4,
    }))
    await writer.set('first', orders)
    expect((await referenceOf('first')).generation).toBe(0)
    const selfDescribing = (await redis.getBuffer(`${prefix}:first`))!.length
    await writeUntilShared(writer, 'first', orders)
    expect((await redis.getBuffer(`${prefix}:first`))!.length).toBeLessThan(selfDescribing)
  })

  it('lets racing instances grow one list without duplicates, every value readable everywhere', async () => {
    const instances = await Promise.all(
      Array.from({ length: 4 }, () => connected(cache({ l1: { enabled: false } }))),
    )
    // Ten shapes no other test uses; every instance writes all of them, at the same time.
    const valueOf = (shape: number, n: number) =>
      Object.fromEntries(Array.from({ length: 3 }, (_, k) => [`race${shape}_${k}`, n + k]))
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        instances.flatMap((instance, at) =>
          Array.from({ length: 10 }, (_, shape) =>
            instance.set(`race:${at}:${shape}`, valueOf(shape, round)),
          ),
        ),
      )
    }
    await waitFor(
      async () => {
        const listed = (await redis.lrange(listKey, 1, -1)).filter((json) => json.includes('race'))
        return listed.length === 10
      },
      { what: 'all ten shapes to be listed' },
    )
    const list = await redis.lrange(listKey, 1, -1)
    expect(new Set(list).size).toBe(list.length)
    for (const instance of instances)
      await instance.set(`race:${instances.indexOf(instance)}:0`, valueOf(0, 9))
    for (const reader of instances) {
      for (let at = 0; at < instances.length; at++) {
        for (let shape = 0; shape < 10; shape++) {
          const expected = valueOf(shape, shape === 0 ? 9 : 3)
          expect(await reader.get(`race:${at}:${shape}`)).toEqual(expected)
        }
      }
    }
  })

  it('reads entries written before shape references, in both earlier layouts', async () => {
    const instance = await connected(cache({ l1: { enabled: false } }))
    const body = serialize('k', report)
    const now = Date.now()
    const withWriteTime = Buffer.alloc(25 + body.length)
    withWriteTime[0] = 0x80
    withWriteTime.writeDoubleBE(now + 60_000, 1)
    withWriteTime.writeDoubleBE(now + 60_000, 9)
    withWriteTime.writeDoubleBE(now, 17)
    body.copy(withWriteTime, 25)
    await redis.set(`${prefix}:old-25`, withWriteTime)
    const oldest = Buffer.alloc(17 + body.length)
    oldest.writeDoubleBE(now + 60_000, 1)
    oldest.writeDoubleBE(now + 60_000, 9)
    body.copy(oldest, 17)
    await redis.set(`${prefix}:old-17`, oldest)
    expect(await instance.get('old-25')).toEqual(report)
    expect(await instance.get('old-17')).toEqual(report)
  })

  it('reads an entry of a layout it does not know as a miss, which a load then replaces', async () => {
    const instance = await connected(cache({ l1: { enabled: false } }))
    const future = Buffer.alloc(40)
    future[0] = 0x80 | 0x40 | 0x20 // a flag this version does not know
    future.writeDoubleBE(Date.now() + 60_000, 1)
    future.writeDoubleBE(Date.now() + 60_000, 9)
    await redis.set(`${prefix}:future`, future)
    expect(await instance.get('future')).toBeUndefined()
    expect(await instance.getOrSet('future', () => report)).toEqual(report)
    expect(await instance.get('future')).toEqual(report)
  })

  it('starts a new generation when the list is lost; entries of the old one are misses, never wrong', async () => {
    const before = await connected(cache({ l1: { enabled: false } }))
    await writeUntilShared(before, 'old-gen', report)
    const oldGeneration = (await referenceOf('old-gen')).generation

    // Lost (eviction, FLUSHALL, someone deleting it), then re-created under other ids: the same
    // positions now hold other keys. An instance that loads this list must not use it for
    // entries of the old generation.
    await redis.del(listKey)
    const after = await connected(cache({ l1: { enabled: false } }))
    expect(await after.get('absent')).toBeUndefined()
    const list = await redis.lrange(listKey, 0, -1)
    expect(Number(list[0])).not.toBe(oldGeneration)
    await redis.rpush(listKey, JSON.stringify(['x', 'y', 'z', 'w']), JSON.stringify(['q', 'r']))
    expect(await after.get('old-gen')).toBeUndefined()

    // The new generation's entries are read by the instance that wrote the old one, once it has
    // looked at the list again (a reload at most every 100 ms for another generation).
    await writeUntilShared(after, 'new-gen', { ...report, total: 10n })
    await waitFor(
      async () => {
        const value = await before.get('new-gen')
        if (value !== undefined) expect(value).toEqual({ ...report, total: 10n })
        return value !== undefined
      },
      { what: 'the older instance to adopt the new generation' },
    )
  })

  it('works on, uncounted as a Redis failure, when something else holds the list key', async () => {
    await redis.del(listKey)
    await redis.set(listKey, 'not a list')
    try {
      const instance = await connected(cache({ l1: { enabled: false } }))
      for (let round = 0; round < 3; round++) await instance.set(`other-${round}`, report)
      expect(await instance.get('other-2')).toEqual(report)
      expect((await referenceOf('other-2')).generation).toBe(0)
      expect(instance.stats().l2).toMatchObject({ errors: 0, breaker: 'closed' })
    } finally {
      await redis.del(listKey)
    }
  })

  it('keeps the list to itself without Redis, with the same round trips', async () => {
    const local = cache({ redis: undefined, l1: { values: 'copied' } })
    for (let round = 0; round < 3; round++) await local.set('r', report)
    expect(await local.get('r')).toEqual(report)
    const copy = (await local.get<typeof report>('r'))!
    copy.rows[0]!.name = 'changed'
    expect(await local.get('r')).toEqual(report)
  })
})
