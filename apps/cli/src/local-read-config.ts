import type { BiPerfConfig } from '@bi-perf/core'

/**
 * How long local mode waits for a configured service (Redis connect, a PostgreSQL connection, a
 * queue command) before reporting it down: a status must answer, not hang on a dead host.
 */
export const LOCAL_SERVICE_TIMEOUT_MS = 1500

/** Samples the monitor keeps in local mode: as many as the widest live view draws. */
const HISTORY_SAMPLES = 500

/** Whether the configuration names a Redis server (URL or cluster nodes). */
export function namesRedis(config: BiPerfConfig): boolean {
  return config.redis.url !== undefined || (config.redis.clusterNodes ?? []).length > 0
}

function capped(configured: number | undefined): number {
  // 0 means "wait forever" for the pool; local mode never does.
  return configured === undefined || configured === 0
    ? LOCAL_SERVICE_TIMEOUT_MS
    : Math.min(configured, LOCAL_SERVICE_TIMEOUT_MS)
}

/**
 * The configuration local mode's read commands (status, metrics, recommendations, monitor) run:
 * the machine and this process (monitor, memory), plus the services the configuration names —
 * PostgreSQL with `database.url`, the cache's Redis tier and the queue with `redis.url`. An
 * embedded PGlite, an in-process cache or an in-process queue would be new and empty in this
 * short-lived process, so they would describe nothing and cost seconds: they are not started.
 * Service timeouts are capped at {@link LOCAL_SERVICE_TIMEOUT_MS}.
 *
 * @param sampleIntervalMs how often the monitor samples: short for one answer, the refresh
 *   interval for the live monitor
 * @example
 * const config = readConfig(await loadLocalConfig(settings), { sampleIntervalMs: 200 })
 */
export function readConfig(
  config: BiPerfConfig,
  { sampleIntervalMs }: { sampleIntervalMs: number },
): BiPerfConfig {
  const redis = namesRedis(config)
  return {
    ...config,
    redis: { ...config.redis, connectTimeout: capped(config.redis.connectTimeout) },
    cache: { ...config.cache, enabled: config.cache.enabled && redis },
    tasks: {
      ...config.tasks,
      enabled: config.tasks.enabled && redis,
      // Reading the queue's counts needs no worker; a worker would take jobs from the service.
      worker: false,
      commandTimeout: capped(config.tasks.commandTimeout),
    },
    database: {
      ...config.database,
      enabled: config.database.enabled && config.database.url !== undefined,
      pool: {
        ...config.database.pool,
        connectionTimeout: capped(config.database.pool.connectionTimeout),
      },
    },
    monitor: {
      ...config.monitor,
      interval: sampleIntervalMs,
      // A ring per metric is sized history / interval: at 200 ms a 10-minute history would
      // allocate 3,000 slots each for an answer that reads one sample.
      history: Math.min(config.monitor.history, sampleIntervalMs * HISTORY_SAMPLES),
    },
  }
}

/**
 * Why a section is missing in local mode when its component is enabled but needs a service the
 * configuration does not name, and how to name one.
 */
export const localSectionHint = {
  cache: 'local mode reads the cache only from a shared Redis: set redis.url or REDIS_URL',
  tasks: 'local mode reads the queue only from a shared Redis: set redis.url or REDIS_URL',
  db: 'local mode does not start an embedded PGlite: set database.url or DATABASE_URL',
} as const
