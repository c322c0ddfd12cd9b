import { afterEach, describe, expect, it } from 'vitest'
import { createOptimizer } from '../src/create-optimizer.js'
import type { Optimizer } from '../src/optimizer.js'
import { waitFor } from '@bi-perf/test-services'
import { testConfig } from './helpers.js'

const open: Optimizer[] = []

afterEach(async () => {
  for (const perf of open.splice(0)) await perf.stop()
})

describe('memory pressure', () => {
  it("drops the least recently used half of the cache's in-process tier on soft pressure, 90 % on hard", async () => {
    const perf = await createOptimizer(
      testConfig({ database: { enabled: false }, tasks: { enabled: false } }),
    )
    open.push(perf)
    await perf.start()
    const cache = perf.cache!
    const memory = perf.memory!
    for (let i = 0; i < 1_000; i++) await cache.set(`row:${i}`, { i, name: `row ${i}` })
    const full = cache.stats().l1
    expect(full.entries).toBe(1_000)

    // Any real heap is above 0.1 % of its limit: this crosses the soft limit now.
    memory.configure({ softLimit: 0.001, hardLimit: 0.999, hysteresis: 0 })
    await memory.check()
    await waitFor(() => cache.stats().l1.entries < 1_000)
    const soft = cache.stats().l1
    expect(soft.bytes).toBeLessThanOrEqual(full.bytes * 0.5)
    expect(soft.entries).toBeGreaterThan(400)
    expect(soft.maxBytes).toBe(full.maxBytes) // the bound is back: the tier may fill again
    expect(await cache.get('row:999')).toEqual({ i: 999, name: 'row 999' }) // newest kept
    expect(cache.stats().l1.evictions).toBeGreaterThanOrEqual(1_000 - soft.entries)

    memory.configure({ softLimit: 0.001, hardLimit: 0.002, hysteresis: 0 })
    await memory.check()
    await waitFor(() => cache.stats().l1.entries < soft.entries)
    const hard = cache.stats().l1
    expect(hard.bytes).toBeLessThanOrEqual(soft.bytes * 0.1 + 1)
    expect(hard.entries).toBeGreaterThan(0)
  })
})
