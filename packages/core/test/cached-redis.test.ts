import { randomUUID } from 'node:crypto'
import { createCache, type Cache } from '@bi-perf/cache'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cached } from '../src/cached.js'

// cached() on a Redis-backed cache: two caches with one prefix stand for two processes.

const prefix = `bi-perf-test:core-cached:${randomUUID().slice(0, 8)}`
let first: Cache
let second: Cache
let redis: Redis

beforeAll(async () => {
  first = createCache({ redis: redisUrl(), prefix, commandTimeout: '2s' })
  second = createCache({ redis: redisUrl(), prefix, commandTimeout: '2s' })
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 })
  for (const cache of [first, second]) {
    await waitFor(() => cache.stats().l2?.connection === 'ready')
  }
})

afterAll(async () => {
  await first?.clear()
  await Promise.all([first?.close(), second?.close()])
  redis?.disconnect()
})

/** The same cached function as two processes would define it, one per cache. */
function inTwoProcesses<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => Promise<R>,
  tags?: (...args: A) => readonly string[],
) {
  let calls = 0
  const counted = async (...args: A) => {
    calls++
    return fn(...args)
  }
  return {
    a: cached(counted, { key: name, cache: first, ttl: '1m', tags }),
    b: cached(counted, { key: name, cache: second, ttl: '1m', tags }),
    calls: () => calls,
  }
}

describe('cached() with Redis', () => {
  it('serves a result computed in one process to another', async () => {
    const sales = inTwoProcesses('sales', (region: string) =>
      Promise.resolve({ region, total: 42 }),
    )
    expect(await sales.a('eu')).toEqual({ region: 'eu', total: 42 })
    expect(await sales.b('eu')).toEqual({ region: 'eu', total: 42 })
    expect(sales.calls()).toBe(1)
    expect(await redis.exists(`${prefix}:${sales.a.key('eu')}`)).toBe(1)
  })

  it('invalidates an entry in every process', async () => {
    const report = inTwoProcesses('report', (id: number) => Promise.resolve(id * 2))
    await report.a(1)
    await report.b(1)
    expect(await report.a.invalidate(1)).toBe(true)
    // The other process drops its in-process copy when the invalidation message arrives.
    await waitFor(async () => {
      await report.b(1)
      return report.calls() === 2
    })
    expect(await redis.exists(`${prefix}:${report.a.key(1)}`)).toBe(1)
  })

  it('drops tagged entries everywhere with invalidateTags', async () => {
    const kpi = inTwoProcesses(
      'kpi',
      (team: string) => Promise.resolve(`${team}:${Date.now()}`),
      (team) => [`team:${team}`],
    )
    await kpi.a('ops')
    await kpi.b('ops')
    expect(kpi.calls()).toBe(1)
    await second.invalidateTags(['team:ops'])
    expect(await redis.exists(`${prefix}:${kpi.a.key('ops')}`)).toBe(0)
    await waitFor(async () => {
      await kpi.a('ops')
      return kpi.calls() === 2
    })
  })

  it('clears every entry of a function in Redis and no other', async () => {
    const rates = inTwoProcesses('rates', (currency: string) => Promise.resolve(currency))
    const other = inTwoProcesses('rates-history', (currency: string) => Promise.resolve(currency))
    await Promise.all([rates.a('EUR'), rates.a('USD'), other.a('EUR')])
    expect(await rates.b.clear()).toBe(2)
    expect(await redis.exists(`${prefix}:${rates.a.key('EUR')}`)).toBe(0)
    expect(await redis.exists(`${prefix}:${other.a.key('EUR')}`)).toBe(1)
  })

  it('shares one call between concurrent callers in one process', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow = inTwoProcesses('slow', async (n: number) => {
      await gate
      return n
    })
    const pending = Array.from({ length: 20 }, () => slow.a(5))
    release()
    expect(await Promise.all(pending)).toEqual(Array(20).fill(5))
    expect(slow.calls()).toBe(1)
  })
})
