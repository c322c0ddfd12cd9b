import { describe, expect, it } from 'vitest'
import { createMemoryRateLimitStore } from './rate-limit-memory.js'

describe('memory token bucket', () => {
  it('allows `limit` requests at once, then refuses until a token refills', async () => {
    let now = 1_000_000
    const store = createMemoryRateLimitStore({ limit: 3, windowMs: 3_000 }, { now: () => now })
    const first = await store.take('a')
    expect(first).toEqual({ allowed: true, remaining: 2, resetSeconds: 1, retryAfterSeconds: 0 })
    await store.take('a')
    expect((await store.take('a')).remaining).toBe(0)
    const refused = await store.take('a')
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterSeconds).toBe(1)
    now += 1_000
    expect((await store.take('a')).allowed).toBe(true)
    expect((await store.take('a')).allowed).toBe(false)
  })

  it('keeps one bucket per caller', async () => {
    const store = createMemoryRateLimitStore({ limit: 1, windowMs: 60_000 }, { now: () => 0 })
    expect((await store.take('a')).allowed).toBe(true)
    expect((await store.take('a')).allowed).toBe(false)
    expect((await store.take('b')).allowed).toBe(true)
  })

  it('forgets the least recently used callers beyond maxKeys, starting them full', async () => {
    const store = createMemoryRateLimitStore(
      { limit: 1, windowMs: 60_000 },
      { now: () => 0, maxKeys: 2 },
    )
    await store.take('a')
    await store.take('b')
    await store.take('c')
    expect((await store.take('a')).allowed).toBe(true)
  })
})
