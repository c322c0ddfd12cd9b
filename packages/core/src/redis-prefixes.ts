import type { BiPerfConfig } from './config-schema.js'

// Key prefixes live apart from the Redis client so that a process without Redis can name its
// in-process cache keys without loading ioredis.

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
  const clustered = config.clusterNodes !== undefined && config.clusterNodes.length > 0
  return clustered ? `${config.prefix}:tasks:{${queue}}` : `${config.prefix}:tasks`
}
