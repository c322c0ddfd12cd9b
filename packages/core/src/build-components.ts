import type { Cache } from '@bi-perf/cache'
import type { Database } from '@bi-perf/db'
import type { MemoryManager } from '@bi-perf/memory'
import type { Monitor } from '@bi-perf/monitor'
import type { LoadProbe, TaskQueue } from '@bi-perf/tasks'
import type { Cluster, Redis } from 'ioredis'
import type { BiPerfConfig } from './config/schema.js'
import { cachePrefix, taskPrefix, usesRedis } from './redis-config.js'
import type { TuningValues } from './types.js'

/** The subsystems an optimizer runs; a disabled one is absent. */
export interface Components {
  redis?: Redis | Cluster
  cache?: Cache
  // The optimizer does not know the user's table types.
  db?: Database<any> // eslint-disable-line @typescript-eslint/no-explicit-any
  tasks?: TaskQueue
  memory?: MemoryManager
  monitor?: Monitor
}

/**
 * Creates every enabled subsystem from the configuration with the tuning values of the active
 * profile. Nothing here does I/O: connections open on first use or in `start()`.
 *
 * Each package (and ioredis, BullMQ, PGlite behind them) is imported only when its component is
 * enabled: a process that runs the monitor alone, such as the CLI reading a machine's status,
 * must not pay seconds of module loading for subsystems it never starts.
 */
export async function buildComponents(
  config: BiPerfConfig,
  tuning: TuningValues,
): Promise<Components> {
  const components: Components = {}
  const redisModule = usesRedis(config.redis) ? await import('./redis-client.js') : undefined
  const redis = redisModule?.createRedisClient(config.redis)
  if (redis) components.redis = redis
  // The packages duplicate a client they are given; a URL is simpler for them and for BullMQ.
  const redisTarget = config.redis.url ?? redis

  if (config.monitor.enabled) {
    const { createMonitor } = await import('@bi-perf/monitor')
    components.monitor = createMonitor({
      interval: config.monitor.interval,
      history: config.monitor.history,
      thresholds: config.monitor.thresholds,
    })
  }
  if (config.memory.enabled) {
    const { createMemoryManager } = await import('@bi-perf/memory')
    components.memory = createMemoryManager({
      softLimit: tuning.memory.softLimit,
      hardLimit: tuning.memory.hardLimit,
      checkInterval: config.memory.checkInterval,
      minGcInterval: config.memory.minGcInterval,
      leakDetection: config.memory.leakDetection,
    })
  }
  if (config.cache.enabled) {
    const { createCache } = await import('@bi-perf/cache')
    components.cache = createCache({
      ...(redisTarget === undefined ? {} : { redis: redisTarget }),
      prefix: cachePrefix(config.redis),
      ttl: tuning.cache.ttlMs,
      ttlJitter: config.cache.ttlJitter,
      grace: config.cache.grace,
      namespaces: config.cache.namespaces,
      commandTimeout: config.redis.commandTimeout,
      connectTimeout: config.redis.connectTimeout,
      coherence: config.cache.coherence,
      l1: {
        enabled: config.cache.l1.enabled,
        maxEntries: tuning.cache.l1MaxEntries,
        maxBytes: tuning.cache.l1MaxBytes,
        values: config.cache.l1.values,
      },
      compression: {
        codec: config.cache.compression.codec,
        threshold: tuning.cache.compressionThreshold,
      },
    })
  }
  if (config.database.enabled) {
    const { createDatabase } = await import('@bi-perf/db')
    const pool = config.database.pool
    components.db = createDatabase({
      ...(config.database.url === undefined ? {} : { url: config.database.url }),
      ...(config.database.dataDir === undefined ? {} : { dataDir: config.database.dataDir }),
      ...(components.cache ? { cache: components.cache.namespace('db') } : {}),
      cacheScopes: config.database.cacheScopes,
      cacheTtl: tuning.db.cacheTtlMs,
      slowQueryMs: config.database.slowQueryMs,
      pool: {
        max: tuning.db.poolMax,
        ...(pool.min === undefined ? {} : { min: pool.min }),
        ...(pool.idleTimeout === undefined ? {} : { idleTimeout: pool.idleTimeout }),
        ...(pool.connectionTimeout === undefined
          ? {}
          : { connectionTimeout: pool.connectionTimeout }),
        ...(pool.statementTimeout === undefined ? {} : { statementTimeout: pool.statementTimeout }),
      },
    })
  }
  if (config.tasks.enabled) {
    const { createTaskQueue } = await import('@bi-perf/tasks')
    const monitor = components.monitor
    components.tasks = createTaskQueue({
      name: config.tasks.queue,
      ...(redisTarget === undefined
        ? {}
        : { redis: redisTarget, prefix: taskPrefix(config.redis, config.tasks.queue) }),
      worker: config.tasks.worker,
      concurrency: { min: tuning.tasks.concurrencyMin, max: tuning.tasks.concurrencyMax },
      retry: {
        attempts: config.tasks.retry.attempts,
        backoff: {
          delay: config.tasks.retry.backoff.delay,
          maxDelay: config.tasks.retry.backoff.max,
        },
      },
      timeout: config.tasks.timeout,
      lockDuration: config.tasks.lockDuration,
      stalledInterval: config.tasks.stalledInterval,
      commandTimeout: config.tasks.commandTimeout,
      ...(monitor ? { autoscale: { probe: monitorProbe(monitor) } } : {}),
    })
  }
  return components
}

/**
 * The autoscaler's load probe from the monitor's latest sample, so the process is not measured
 * twice. The monitor reports CPU in percent of one core; the probe wants a fraction.
 */
function monitorProbe(monitor: Monitor): LoadProbe {
  return {
    sample() {
      const snapshot = monitor.latest()
      const cpu = snapshot?.process?.cpu.total
      const delay = snapshot?.eventLoop?.delay.p99
      return {
        ...(cpu === undefined ? {} : { cpu: cpu / 100 }),
        ...(delay === undefined ? {} : { eventLoopDelayMs: delay }),
      }
    },
  }
}
