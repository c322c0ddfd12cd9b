import { describe, expect, it } from 'vitest'
import { postgresUrl, redisUrl } from '@bi-perf/test-services'
import { startedOptimizers, testConfig } from './helpers.js'

// A profile change reports what it changes on this backend: a real optimizer per backend.
const started = startedOptimizers()

describe('applyProfile on each backend', () => {
  it('on embedded PGlite without Redis, holds the pool and the compression threshold with why', async () => {
    const perf = await started()
    const change = await perf.applyProfile('performance')
    const moved = change.changes.map((item) => item.setting)
    expect(moved).not.toContain('database.pool.max')
    expect(moved).not.toContain('cache.compression.threshold')
    expect(moved).toContain('cache.ttl')
    expect(change.held).toEqual([
      {
        setting: 'cache.compression.threshold',
        requested: 4096,
        reason: 'compresses only values stored in Redis; no Redis configured',
      },
      { setting: 'database.pool.max', requested: 20, reason: 'capped at 1 by embedded PGlite' },
    ])
    expect(perf.db?.settings().pool.max).toBe(1)
  })

  it('on PostgreSQL and Redis, changes the pool and holds nothing', async () => {
    const perf = await started(
      testConfig({ database: { url: postgresUrl() }, redis: { url: redisUrl() } }),
    )
    const change = await perf.applyProfile('performance')
    expect(change.changes).toContainEqual({ setting: 'database.pool.max', from: 10, to: 20 })
    expect(change.held).toEqual([])
  })
})
