import type { AlertRuleOptions } from '@bi-perf/monitor'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { configSchema } from './schema.js'
import type { BiPerfConfig, BiPerfConfigInput } from './schema.js'
import { schemaLeaves } from './schema-walk.js'
import type { ProfileName } from '../types.js'

describe('configSchema', () => {
  it('fills every default and leaves profile-supplied settings absent', () => {
    const config = configSchema.parse({})
    expect(config).toMatchObject({
      profile: 'balanced',
      redis: { prefix: 'bi-perf', commandTimeout: 100, connectTimeout: 2000 },
      database: { enabled: true, pool: {}, slowQueryMs: 200, cacheScopes: {} },
      cache: {
        enabled: true,
        ttlJitter: 0.1,
        grace: 0,
        namespaces: {},
        l1: { enabled: true, values: 'frozen' },
        compression: { codec: 'lz4' },
        coherence: true,
      },
      tasks: {
        enabled: true,
        queue: 'bi-perf',
        worker: true,
        retry: { attempts: 3, backoff: { delay: 1000, max: 300_000 } },
        timeout: 300_000,
        lockDuration: 30_000,
        stalledInterval: 30_000,
        commandTimeout: 500,
      },
      memory: { enabled: true, checkInterval: 1000, minGcInterval: 30_000, leakDetection: true },
      monitor: { enabled: true, interval: 1000, history: 600_000, thresholds: {} },
      recommendations: { window: 300_000 },
      server: {
        port: 8080,
        host: '127.0.0.1',
        logLevel: 'info',
        logFormat: 'auto',
        auth: { clockTolerance: 30_000 },
        rateLimit: { requests: 300, window: 60_000, streams: 5 },
        bodyLimit: 1024 * 1024,
        cors: { origins: [] },
      },
    })
    expect(config.cache.ttl).toBeUndefined()
    expect('maxBytes' in config.cache.l1).toBe(false)
    expect('softLimit' in config.memory).toBe(false)
    expect('concurrency' in config.tasks).toBe(false)
  })

  it('gives durations in milliseconds and sizes in bytes under the same keys', () => {
    const config = configSchema.parse({
      cache: { ttl: '5m', l1: { maxBytes: '64MiB' }, namespaces: { r: { ttl: '1h' } } },
      monitor: { thresholds: { q: { metric: 'tasks.waiting', above: 10, for: '30s' } } },
    })
    expect(config.cache.ttl).toBe(300_000)
    expect(config.cache.l1.maxBytes).toBe(64 * 1024 ** 2)
    expect(config.cache.namespaces.r).toEqual({ ttl: 3_600_000 })
    expect(config.monitor.thresholds.q).toEqual({ metric: 'tasks.waiting', above: 10, for: 30_000 })
  })

  it('describes every setting', () => {
    const undescribed = schemaLeaves(configSchema).filter((leaf) => !leaf.description)
    expect(undescribed.map((leaf) => leaf.path.join('.'))).toEqual([])
  })

  it('has types matching the profiles and the monitor’s alert rules', () => {
    expectTypeOf<BiPerfConfig['profile']>().toEqualTypeOf<ProfileName>()
    expectTypeOf<BiPerfConfig['monitor']['thresholds'][string]>().toExtend<
      AlertRuleOptions | false
    >()
    expectTypeOf<BiPerfConfig['cache']['ttl']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<{
      cache: { ttl: '5m'; l1: { maxBytes: '64MiB' } }
    }>().toExtend<BiPerfConfigInput>()
    expectTypeOf<{ memory: { softLimit: 0.7 } }>().toExtend<BiPerfConfigInput>()
  })
})
