import type { BiPerfConfig } from './config/schema.js'

// What the Redis settings mean, apart from the client: a process without Redis reads them (and
// names its in-process cache keys) without loading ioredis.

/** A Redis Cluster is configured (`redis.clusterNodes`). */
export function isClustered(config: BiPerfConfig['redis']): boolean {
  return config.clusterNodes !== undefined && config.clusterNodes.length > 0
}

/** Redis is configured at all: a URL or cluster nodes. */
export function usesRedis(config: BiPerfConfig['redis']): boolean {
  return config.url !== undefined || isClustered(config)
}

/**
 * Where the cache keeps its keys: under its own segment, so a `clear()` of the whole cache
 * (`SCAN <prefix>:cache:*`) can never touch task queues or rate-limit counters.
 */
export function cachePrefix(config: BiPerfConfig['redis']): string {
  return `${config.prefix}:cache`
}

/**
 * The key prefix of task queues. On a Cluster it carries a `{hash-tag}` per queue, so each
 * queue's keys share one slot (BullMQ's scripts need that) while different queues spread over
 * the masters.
 */
export function taskPrefix(config: BiPerfConfig['redis'], queue: string): string {
  return isClustered(config) ? `${config.prefix}:tasks:{${queue}}` : `${config.prefix}:tasks`
}
