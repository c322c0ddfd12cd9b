import { postgresUrl, redisUrl } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from './config/loader.js'
import { profileEffect, settingLimits, tuningFor } from './tuning.js'

const PGLITE = resolveConfig({})
const POSTGRES_REDIS = resolveConfig({
  database: { url: postgresUrl() },
  redis: { url: redisUrl() },
})

describe('profileEffect', () => {
  it('never lists the PGlite pool as a change: it was capped at 1 before and after', () => {
    // The optimizer's tuning starts from the profile's values (pool 10); PGlite reports 1 live.
    const before = tuningFor('balanced', PGLITE)
    const after = { ...tuningFor('performance', PGLITE), db: { poolMax: 1, cacheTtlMs: 300_000 } }
    const { changes, held } = profileEffect(before, after, 'balanced', 'performance', PGLITE)
    expect(changes.map((change) => change.setting)).not.toContain('database.pool.max')
    expect(changes).toContainEqual({ setting: 'database.cacheTtl', from: 60_000, to: 300_000 })
    expect(held).toContainEqual({
      setting: 'database.pool.max',
      requested: 20,
      reason: 'capped at 1 by embedded PGlite',
    })
  })

  it('holds the compression threshold without Redis and applies it with Redis', () => {
    const without = profileEffect(
      tuningFor('balanced', PGLITE),
      tuningFor('memory', PGLITE),
      'balanced',
      'memory',
      PGLITE,
    )
    expect(without.changes.map((change) => change.setting)).not.toContain(
      'cache.compression.threshold',
    )
    expect(without.held.map((item) => item.setting)).toEqual([
      'cache.compression.threshold',
      'database.pool.max',
    ])

    const withRedis = profileEffect(
      tuningFor('balanced', POSTGRES_REDIS),
      tuningFor('memory', POSTGRES_REDIS),
      'balanced',
      'memory',
      POSTGRES_REDIS,
    )
    expect(withRedis.held).toEqual([])
    expect(withRedis.changes).toContainEqual({
      setting: 'database.pool.max',
      from: 10,
      to: 4,
    })
    expect(withRedis.changes).toContainEqual({
      setting: 'cache.compression.threshold',
      from: 1024,
      to: 256,
    })
  })

  it('holds nothing when the profile does not move a capped setting', () => {
    const pinned = resolveConfig({ database: { pool: { max: 8 } } })
    const { held } = profileEffect(
      tuningFor('balanced', pinned),
      tuningFor('performance', pinned),
      'balanced',
      'performance',
      pinned,
    )
    expect(held.map((item) => item.setting)).toEqual(['cache.compression.threshold'])
  })
})

describe('settingLimits', () => {
  it('names every setting of a disabled component and the concurrency of a producer-only queue', () => {
    const limits = settingLimits(
      resolveConfig({
        database: { enabled: false },
        memory: { enabled: false },
        tasks: { worker: false },
        redis: { url: redisUrl() },
      }),
    )
    expect(limits.get('database.cacheTtl')).toBe('database disabled (database.enabled: false)')
    expect(limits.get('memory.hardLimit')).toBe('memory manager disabled (memory.enabled: false)')
    expect(limits.get('tasks.concurrency.max')).toBe(
      'no task worker in this process (tasks.worker: false)',
    )
    expect(limits.has('cache.ttl')).toBe(false)
    expect(limits.has('cache.compression.threshold')).toBe(false)
  })
})
