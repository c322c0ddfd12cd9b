/** The outcome of taking one token from a caller's bucket. */
export interface RateLimitDecision {
  allowed: boolean
  /** Whole tokens left after this request. */
  remaining: number
  /** Seconds until the bucket is full again. */
  resetSeconds: number
  /** Seconds until the next token, when not allowed. */
  retryAfterSeconds: number
}

/** Where token buckets live: this process's memory, or Redis shared by every instance. */
export interface RateLimitStore {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis'
  /** Takes one token from the bucket of `id`; rejects only when the backing store fails. */
  take(id: string): Promise<RateLimitDecision>
}

/** The bucket: `limit` tokens, refilled evenly over `windowMs`. */
export interface BucketPolicy {
  limit: number
  windowMs: number
}

/** Turns a bucket's fill level into a decision; shared by both stores so they answer alike. */
export function decide(policy: BucketPolicy, allowed: boolean, tokens: number): RateLimitDecision {
  const msPerToken = policy.windowMs / policy.limit
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSeconds: Math.ceil(((policy.limit - tokens) * msPerToken) / 1000),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000)),
  }
}
