import { describe, expect, it } from 'vitest'
import { sharedRedisCaches } from './helpers.js'

const { redis, prefix, cache, connected } = sharedRedisCaches('glob-redos')

// Nine stars: a backtracking regular expression would try billions of ways per key of a's.
const ADVERSARIAL = '*a*a*a*a*a*a*a*a*ab'
const KEYS = 10_000

/** 64+ characters, mostly a's; every tenth ends in `ab` and so matches the pattern. */
function keyOf(i: number): string {
  return `${'a'.repeat(64)}:${i}:${i % 10 === 0 ? 'ab' : 'ac'}`
}

describe('clear with an adversarial glob', () => {
  it('clears 10,000 keys with *a*a*a*a*a*a*a*a*ab and keeps the others', async () => {
    const instance = await connected(cache({ l1: { maxEntries: 2 * KEYS } }))
    const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i))
    await instance.mset(keys.map((key, i) => ({ key, value: i })))
    expect(instance.stats().l1.entries).toBe(KEYS)

    expect(await instance.clear(ADVERSARIAL)).toBe(KEYS / 10)

    expect(instance.stats().l1.entries).toBe(KEYS - KEYS / 10)
    const values = await instance.mget(keys)
    keys.forEach((key, i) => {
      expect(values[i], key).toBe(key.endsWith('ab') ? undefined : i)
    })
    expect(await redis.exists(`${prefix}:${keyOf(0)}`, `${prefix}:${keyOf(10)}`)).toBe(0)
    expect(await redis.exists(`${prefix}:${keyOf(1)}`, `${prefix}:${keyOf(11)}`)).toBe(2)
  })
})
