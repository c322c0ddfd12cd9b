import { resolveConfig } from '@bi-perf/core/config'
import { describe, expect, it } from 'vitest'
import { LOCAL_SERVICE_TIMEOUT_MS, readConfig } from './local-read-config.js'

describe('readConfig', () => {
  it('starts no embedded database, in-process cache or queue when no service is named', () => {
    const config = readConfig(resolveConfig({}), { sampleIntervalMs: 200 })
    expect(config.database.enabled).toBe(false)
    expect(config.cache.enabled).toBe(false)
    expect(config.tasks.enabled).toBe(false)
    expect(config.monitor.enabled).toBe(true)
    expect(config.memory.enabled).toBe(true)
    expect(config.monitor.interval).toBe(200)
  })

  it('keeps the components of named services, without a worker, and caps their timeouts', () => {
    const config = readConfig(
      resolveConfig({
        redis: { url: 'redis://127.0.0.1:6379', connectTimeout: '10s' },
        database: { url: 'postgres://127.0.0.1/test', pool: { connectionTimeout: 0 } },
      }),
      { sampleIntervalMs: 1000 },
    )
    expect(config.database.enabled).toBe(true)
    expect(config.cache.enabled).toBe(true)
    expect(config.tasks.enabled).toBe(true)
    expect(config.tasks.worker).toBe(false)
    expect(config.redis.connectTimeout).toBe(LOCAL_SERVICE_TIMEOUT_MS)
    expect(config.database.pool.connectionTimeout).toBe(LOCAL_SERVICE_TIMEOUT_MS)
    expect(config.tasks.commandTimeout).toBeLessThanOrEqual(LOCAL_SERVICE_TIMEOUT_MS)
  })

  it('leaves a component off that the configuration turned off', () => {
    const config = readConfig(
      resolveConfig({ redis: { url: 'redis://127.0.0.1:6379' }, tasks: { enabled: false } }),
      { sampleIntervalMs: 200 },
    )
    expect(config.tasks.enabled).toBe(false)
    expect(config.cache.enabled).toBe(true)
  })
})
