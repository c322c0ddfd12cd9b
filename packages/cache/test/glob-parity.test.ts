import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { compileGlob } from '../src/glob.js'
import { inspector, uniquePrefix } from './helpers.js'

const redis = inspector()
const hashes = uniquePrefix('glob-parity')
let runs = 0

afterAll(() => {
  redis.disconnect()
})

/** The fields of a hash that Redis' own matcher (`HSCAN … MATCH`) accepts. */
async function redisMatches(hash: string, pattern: string): Promise<Set<string>> {
  const matched = new Set<string>()
  let cursor = '0'
  do {
    const [next, entries] = await redis.hscan(hash, cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    for (let i = 0; i < entries.length; i += 2) matched.add(entries[i]!)
  } while (cursor !== '0')
  return matched
}

describe('compileGlob against Redis', () => {
  // Every construct, a two-byte UTF-8 character and the empty key.
  const alphabet = ['a', 'b', 'é', ':', '*', '?', '[', ']', '^', '-', '\\']
  const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength })

  it('matches exactly the keys SCAN MATCH matches, on random patterns and keys', async () => {
    // On failure fast-check prints the seed and path; pass them to fc.assert to replay.
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text(8), { minLength: 1, maxLength: 30 }),
        fc.array(text(10), { minLength: 1, maxLength: 5 }),
        async (keys, patterns) => {
          const hash = `${hashes}:${runs++}`
          await redis.hset(hash, Object.fromEntries(keys.map((key) => [key, 1])))
          try {
            for (const pattern of patterns) {
              const expected = await redisMatches(hash, pattern)
              const match = compileGlob(pattern)
              for (const key of keys) {
                expect(match(key), `${JSON.stringify(pattern)} ~ ${JSON.stringify(key)}`).toBe(
                  expected.has(key),
                )
              }
            }
          } finally {
            await redis.del(hash)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
