import { LRUCache } from 'lru-cache'
import { decide, type BucketPolicy, type RateLimitStore } from './rate-limit-store.js'

interface Bucket {
  tokens: number
  at: number
}

/**
 * Token buckets in this process, at most `maxKeys` of them (least recently used go first; a
 * forgotten caller simply starts with a full bucket).
 *
 * @example
 * const store = createMemoryRateLimitStore({ limit: 300, windowMs: 60_000 })
 */
export function createMemoryRateLimitStore(
  policy: BucketPolicy,
  options: { maxKeys?: number; now?: () => number } = {},
): RateLimitStore {
  const now = options.now ?? Date.now
  // A bucket untouched for a whole window is full again, so it can be dropped.
  const buckets = new LRUCache<string, Bucket>({
    max: options.maxKeys ?? 10_000,
    ttl: policy.windowMs,
  })
  const refillPerMs = policy.limit / policy.windowMs

  return {
    kind: 'memory',
    take(id) {
      const at = now()
      const bucket = buckets.get(id) ?? { tokens: policy.limit, at }
      const tokens = Math.min(
        policy.limit,
        bucket.tokens + Math.max(0, at - bucket.at) * refillPerMs,
      )
      const allowed = tokens >= 1
      const left = allowed ? tokens - 1 : tokens
      buckets.set(id, { tokens: left, at })
      return Promise.resolve(decide(policy, allowed, left))
    },
  }
}
