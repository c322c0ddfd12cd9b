import { afterEach, describe, expect, it } from 'vitest'
import { createOptimizer } from '../src/create-optimizer.js'
import type { Optimizer } from '../src/optimizer.js'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { uniqueName } from './helpers.js'

const open: Optimizer[] = []

afterEach(async () => {
  for (const perf of open.splice(0)) await perf.stop()
})

/** An optimizer on the shared Redis under `prefix`, with only the cache (fast to start). */
async function instance(prefix: string): Promise<Optimizer> {
  const perf = await createOptimizer({
    redis: { url: redisUrl(), prefix },
    database: { enabled: false },
    tasks: { enabled: false },
    monitor: { enabled: false },
    memory: { enabled: false },
  })
  open.push(perf)
  await perf.start()
  return perf
}

describe('instances sharing one Redis', () => {
  it('apply a profile applied through any of them, and a later one starts with it', async () => {
    const prefix = uniqueName('instances')
    const a = await instance(prefix)
    const b = await instance(prefix)
    expect(a.instance).not.toBe(b.instance)
    // b beat after a had joined, so b's list already holds both.
    expect(b.status().instances).toEqual([a.instance, b.instance].sort())
    expect(b.status().instance).toBe(b.instance)

    const change = await a.applyProfile('memory')
    expect(change.origin).toBe(a.instance)
    await waitFor(() => b.profile === 'memory')
    expect(b.cache?.settings().l1.maxBytes).toBe(16 * 1024 * 1024)

    const c = await instance(prefix)
    expect(c.profile).toBe('memory')
    expect(c.cache?.settings().compression.threshold).toBe(256)
  })
})
