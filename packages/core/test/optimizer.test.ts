import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createOptimizer } from '../src/create-optimizer.js'
import { ComponentDisabledError, InvalidArgumentError, UnknownProfileError } from '../src/errors.js'
import { PROFILES } from '../src/profiles.js'
import { redisUrl, waitFor } from '@bi-perf/test-services'
import { closedPort, startedOptimizers, testConfig } from './helpers.js'

const MiB = 1024 * 1024
const started = startedOptimizers()

describe('createOptimizer on Redis and PGlite', () => {
  it('starts every component and reports them ok', async () => {
    const perf = await started(testConfig({ redis: { url: redisUrl() } }))
    const status = perf.status()
    expect(status.state).toBe('ok')
    expect(Object.keys(status.components).sort()).toEqual([
      'cache',
      'db',
      'memory',
      'monitor',
      'tasks',
    ])
    expect(status.profile).toBe('balanced')
    expect(status.running).toBe(true)
    expect(perf.db?.backend).toBe('pglite')
    expect((await perf.tasks?.status())?.backend).toBe('bullmq')
  })

  it('gathers every package figure in one metrics object', async () => {
    const perf = await started(testConfig({ redis: { url: redisUrl() } }))
    await perf.cache?.set('k', { a: 1 })
    await perf.cache?.get('k')
    await waitFor(() => perf.metrics().system !== undefined && perf.metrics().tasks !== undefined)
    const metrics = perf.metrics()
    expect(metrics.cache?.hits).toBe(1)
    expect(metrics.cache?.l2?.connection).toBe('ready')
    expect(metrics.db?.backend).toBe('pglite')
    expect(metrics.tasks?.backend).toBe('bullmq')
    expect(metrics.memory?.heap.used).toBeGreaterThan(0)
    expect(metrics.system?.cpu).not.toBeNull()
    expect(metrics.tuning).toEqual(PROFILES.balanced)
  })

  it('applies the memory profile to the running cache, queue and memory manager', async () => {
    const perf = await started(testConfig({ redis: { url: redisUrl() } }))
    const change = await perf.applyProfile('memory')
    expect(change).toMatchObject({ profile: 'memory', previous: 'balanced' })
    expect(change.changes).toContainEqual({
      setting: 'cache.l1.maxBytes',
      from: 64 * MiB,
      to: 16 * MiB,
    })
    expect(change.changes).toContainEqual({ setting: 'tasks.concurrency.max', from: 10, to: 4 })
    expect(perf.profile).toBe('memory')
    expect(perf.cache?.settings()).toMatchObject({
      ttlMs: 30 * 60_000,
      l1: { maxEntries: 2_000, maxBytes: 16 * MiB },
      compression: { threshold: 256 },
    })
    expect(perf.tasks?.settings().concurrency).toEqual({ min: 1, max: 4 })
    expect(perf.memory?.stats().settings).toMatchObject({ softLimit: 0.6, hardLimit: 0.75 })
    expect(perf.status().profile).toBe('memory')
    expect(perf.metrics().tuning.cache.l1MaxBytes).toBe(16 * MiB)
  })

  it('makes the new compression threshold live: a 600-byte value is now compressed in Redis', async () => {
    const perf = await started(testConfig({ redis: { url: redisUrl() } }))
    const value = 'quarterly revenue by region '.repeat(22) // ~600 bytes, compressible
    await perf.cache?.set('before', value)
    expect(perf.cache?.stats().compression.compressed).toBe(0)
    await perf.applyProfile('memory') // threshold 1 KiB → 256 B
    await perf.cache?.set('after', value)
    expect(perf.cache?.stats().compression.compressed).toBe(1)
    expect(await perf.cache?.get('after')).toBe(value)
  })

  it('shrinks the in-process tier at once when the memory profile lowers its entry bound', async () => {
    const perf = await started(testConfig({ cache: { l1: { maxEntries: undefined } } }))
    for (let i = 0; i < 3_000; i++) await perf.cache?.set(`row:${i}`, i)
    expect(perf.cache?.stats().l1.entries).toBe(3_000)
    await perf.applyProfile('memory')
    expect(perf.cache?.stats().l1.entries).toBe(2_000)
    expect(await perf.cache?.get('row:2999')).toBe(2999)
  })

  it('keeps settings pinned in the configuration whatever the profile', async () => {
    const perf = await started(testConfig({ cache: { l1: { maxBytes: 32 * MiB } } }))
    const change = await perf.applyProfile('memory')
    expect(perf.cache?.settings().l1.maxBytes).toBe(32 * MiB)
    expect(change.changes.map((item) => item.setting)).not.toContain('cache.l1.maxBytes')
    await perf.applyProfile('performance')
    expect(perf.cache?.settings().l1.maxBytes).toBe(32 * MiB)
  })

  it('rejects an unknown profile with the valid names and changes nothing', async () => {
    const perf = await started()
    const error = await perf.applyProfile('turbo').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UnknownProfileError)
    expect((error as UnknownProfileError).validProfiles).toEqual([
      'balanced',
      'memory',
      'performance',
    ])
    expect((error as UnknownProfileError).message).toContain('balanced, memory, performance')
    expect(perf.profile).toBe('balanced')
    expect(perf.cache?.settings().l1.maxBytes).toBe(64 * MiB)
  })

  it('emits a profile event and a sample event', async () => {
    const perf = await started()
    const samples: number[] = []
    perf.on('sample', (metrics) => samples.push(metrics.at))
    const profiles: string[] = []
    perf.on('profile', (change) => profiles.push(change.profile))
    await perf.applyProfile('performance')
    await waitFor(() => samples.length >= 2)
    expect(profiles).toEqual(['performance'])
  })
})

describe('status', () => {
  it('reports the cache degraded, with the reason, while Redis is unreachable', async () => {
    const port = await closedPort()
    const perf = await started(
      testConfig({ redis: { url: `redis://127.0.0.1:${port}` }, tasks: { enabled: false } }),
    )
    await perf.cache?.set('k', 1) // still answers from the in-process tier
    expect(await perf.cache?.get('k')).toBe(1)
    const status = perf.status()
    expect(status.components.cache?.state).toBe('degraded')
    expect(status.components.cache?.reasons.join(' ')).toMatch(/Redis (connection|circuit)/)
    expect(status.state).toBe('degraded')
  })

  it('leaves disabled components out', async () => {
    const perf = await started(
      testConfig({
        cache: { enabled: false },
        database: { enabled: false },
        tasks: { enabled: false },
      }),
    )
    expect(perf.cache).toBeUndefined()
    expect(Object.keys(perf.status().components).sort()).toEqual(['memory', 'monitor'])
    expect(perf.metrics().cache).toBeUndefined()
    await expect(perf.clearCache()).rejects.toBeInstanceOf(ComponentDisabledError)
  })
})

describe('clearCache', () => {
  it('clears by pattern, by tags and everything', async () => {
    const perf = await started(testConfig({ redis: { url: redisUrl() } }))
    const cache = perf.cache!
    await cache.set('report:1', 1)
    await cache.set('report:2', 2)
    await cache.set('user:1', 3, { tags: ['users'] })
    await cache.set('other', 4)
    expect(await perf.clearCache({ pattern: 'report:*' })).toBe(2)
    expect(await perf.clearCache({ tags: ['users'] })).toBe(1)
    expect(await cache.get('user:1')).toBeUndefined()
    expect(await perf.clearCache()).toBe(1)
    expect(await cache.get('other')).toBeUndefined()
  })
})

describe('recommendations', () => {
  it('returns a sorted list and filters by priority', async () => {
    const perf = await started()
    const all = perf.recommendations()
    expect(Array.isArray(all)).toBe(true)
    const critical = perf.recommendations({ priority: 'critical' })
    expect(critical.every((item) => item.priority === 'critical')).toBe(true)
    expect(() => perf.recommendations({ priority: 'urgent' as never })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('registerPrometheus', () => {
  it('exports every component and the monitor, and removes them again', async () => {
    const perf = await started()
    await perf.cache?.set('k', 1)
    await perf.cache?.get('k')
    await waitFor(() => perf.monitor?.latest()?.process != null)
    const registry = new Registry()
    const unregister = perf.registerPrometheus(registry)
    const text = await registry.metrics()
    expect(text).toMatch(/^bi_perf_cache_hits_total 1$/m)
    expect(text).toMatch(/^bi_perf_db_pool_max 1$/m)
    expect(text).toMatch(/^bi_perf_profile\{profile="balanced"\} 1$/m)
    expect(text).toMatch(/^bi_perf_process_heap_used_bytes \d+/m)
    unregister()
    expect(await registry.metrics()).not.toContain('bi_perf_')
  })
})

describe('stop', () => {
  it('closes every component once and reports a clean stop', async () => {
    const perf = await createOptimizer(testConfig({ redis: { url: redisUrl() } }))
    await perf.start()
    const first = perf.stop()
    expect(perf.stop()).toBe(first)
    expect(await first).toEqual({ clean: true, problems: [] })
    expect(perf.running).toBe(false)
    expect(perf.monitor?.running).toBe(false)
    await expect(perf.cache!.get('k')).rejects.toThrow(/closed/)
  })
})
