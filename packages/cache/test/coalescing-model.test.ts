import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { Cache } from '../src/index.js'
import { sharedRedisCaches } from './helpers.js'

// Model-based: batches of concurrent gets, sets, deletes and clears run on two instances with
// read coalescing on (A keeps an in-process tier, B reads Redis every time) and are checked
// against a map of what each key must hold. While a batch runs, a get may see the value before
// or after the batch's change to its key; once the batch completed, every get (batched together
// on both instances) must see exactly the model's value: never one invalidated or overwritten.

const { cache, connected } = sharedRedisCaches('coalesce-model')
const KEYS = ['m:0', 'm:1', 'm:2', 'm:3', 'm:4', 'm:5']

type Mutation =
  | { kind: 'set'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'clear'; pattern: string }
type Read = { on: 'A' | 'B'; key: string }
interface Batch {
  mutations: Mutation[]
  reads: Read[]
}

const key = fc.constantFrom(...KEYS)
const read = fc.record({ on: fc.constantFrom<'A' | 'B'>('A', 'B'), key })
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: key.map((k) => ({ kind: 'set' as const, key: k })) },
  { weight: 3, arbitrary: key.map((k) => ({ kind: 'delete' as const, key: k })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('*', 'm:1', 'm:[0-2]')
      .map((pattern) => ({ kind: 'clear' as const, pattern })),
  },
)
const batch: fc.Arbitrary<Batch> = fc.record({
  mutations: fc.array(mutation, { maxLength: 4 }),
  reads: fc.array(read, { maxLength: 12 }),
})

/** Keys a clear pattern of the generator matches. */
function matched(pattern: string): string[] {
  if (pattern === '*') return KEYS
  if (pattern === 'm:[0-2]') return ['m:0', 'm:1', 'm:2']
  return [pattern]
}

/** Keys a mutation touches; a batch changes each key at most once, so its outcome is known. */
function touched(change: Mutation): string[] {
  return change.kind === 'clear' ? matched(change.pattern) : [change.key]
}

describe('read coalescing against a reference model', () => {
  let run = 0
  afterAll(() => console.log(`coalescing model: ${run} sequences`))

  it('never serves a value older than the last completed write or invalidation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 3, maxLength: 10 }), async (batches) => {
        run++
        const a = await connected(cache({ coalesce: { window: 0, maxBatch: 4 } }))
        const b = await connected(cache({ l1: { enabled: false } }))
        await Promise.all([a.ready(), b.ready()])
        await a.clear()
        const model = new Map<string, number | undefined>()
        let version = 0
        try {
          for (const { mutations, reads } of batches) {
            const seen = new Set<string>()
            const accepted = mutations.filter((change) => {
              const keys = touched(change)
              if (keys.some((k) => seen.has(k))) return false
              for (const k of keys) seen.add(k)
              return true
            })
            const next = new Map(model)
            const writes = accepted.map((change) => {
              if (change.kind === 'set') {
                const value = ++version
                next.set(change.key, value)
                return a.set(change.key, { value })
              }
              for (const k of touched(change)) next.set(k, undefined)
              return change.kind === 'delete' ? a.delete(change.key) : a.clear(change.pattern)
            })
            const during = reads.map(({ on, key: k }) => ({
              key: k,
              got: (on === 'A' ? a : b).get<{ value: number }>(k),
            }))
            await Promise.all(writes)
            for (const { key: k, got } of during) {
              const value = (await got)?.value
              expect([model.get(k), next.get(k)]).toContain(value)
            }
            for (const [k, value] of next) model.set(k, value)
            await expectModel(a, model)
            await expectModel(b, model)
          }
        } finally {
          await a.clear()
          await Promise.all([a.close(), b.close()])
        }
      }),
      { numRuns: 25 },
    )
  }, 120_000)
})

/** Every key read at once (one coalesced batch) holds the model's value. */
async function expectModel(instance: Cache, model: Map<string, number | undefined>) {
  const values = await Promise.all(KEYS.map((k) => instance.get<{ value: number }>(k)))
  expect(values.map((value) => value?.value)).toEqual(KEYS.map((k) => model.get(k)))
}
