import { createHash } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import { decide, type BucketPolicy, type RateLimitStore } from './rate-limit-store.js'

/**
 * One atomic step of a token bucket. Redis's clock is the only clock, so instances with skewed
 * clocks still share one bucket fairly. The key expires after a window of silence (by then the
 * bucket would be full anyway).
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / window)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], window)
return { allowed, tostring(tokens) }
`
const TAKE_SHA = createHash('sha1').update(TAKE_SCRIPT).digest('hex')

/**
 * Token buckets in Redis under `<prefix>:rl:<id>`, shared by every instance using the same
 * Redis and prefix. One Lua script per request (EVALSHA, loaded on first NOSCRIPT).
 *
 * @example
 * const store = createRedisRateLimitStore(optimizer.redis, 'bi-perf', { limit: 300, windowMs: 60_000 })
 */
export function createRedisRateLimitStore(
  client: Redis | Cluster,
  prefix: string,
  policy: BucketPolicy,
): RateLimitStore {
  const args = [String(policy.limit), String(policy.windowMs)]

  const run = async (key: string): Promise<[number, string]> => {
    try {
      return (await client.evalsha(TAKE_SHA, 1, key, ...args)) as [number, string]
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return (await client.eval(TAKE_SCRIPT, 1, key, ...args)) as [number, string]
    }
  }

  return {
    kind: 'redis',
    async take(id) {
      const [allowed, tokens] = await run(`${prefix}:rl:${id}`)
      return decide(policy, allowed === 1, Number(tokens))
    },
  }
}
