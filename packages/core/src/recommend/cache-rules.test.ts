import { describe, expect, it } from 'vitest'
import { feed } from '../../test/fixtures/metrics-feed.js'
import {
  cacheCompressionNotPaying,
  cacheHighEviction,
  cacheL2Slow,
  cacheLowHitRate,
  cacheRedisCircuitOpen,
} from './cache-rules.js'

// Records are 30 s apart, so a counter growing by 30 × r per record is a rate of r per second.
describe('cache.low-hit-rate', () => {
  const lowHitRate = (index: number) => ({ cache: { hits: 300 * index, misses: 900 * index } })

  it('proposes doubling the TTL when most lookups miss', () => {
    const recommendation = cacheLowHitRate.evaluate(feed(lowHitRate))
    expect(recommendation).toMatchObject({
      id: 'cache.low-hit-rate',
      priority: 'medium',
      component: 'cache',
      title: 'Cache hit rate is 25% over 5m (40 lookups/s)',
      evidence: { metric: 'cache.hitRate.mean', value: 0.25, threshold: 0.5, window: '5m' },
      action: 'raise cache.ttl from 1h to 2h',
    })
  })

  it('proposes a bigger in-process tier instead when entries are evicted', () => {
    const recommendation = cacheLowHitRate.evaluate(
      feed((index) => ({ cache: { ...lowHitRate(index).cache, l1: { evictions: 300 * index } } })),
    )
    expect(recommendation?.action).toBe(
      'raise cache.l1.maxBytes from 64MiB to 128MiB: 10 entries/s are evicted before they are read again',
    )
  })

  it('says a longer TTL would not help when clears removed the entries within the window', () => {
    const cleared = (index: number) => ({
      cache: { ...lowHitRate(index).cache, l1: { sets: 60 * index, deletes: 45 * index } },
    })
    const recommendation = cacheLowHitRate.evaluate(feed(cleared))
    expect(recommendation?.priority).toBe('low')
    expect(recommendation?.action).toContain('(75% of the entries written were removed')
    expect(recommendation?.evidence.summary).toContain(
      '1.5 entries/s removed by clears and invalidations for 2 written/s over 5 min',
    )
    expect(recommendation?.apply).toEqual({ restart: false })
  })

  it('judges removals over the window, not since start', () => {
    // Removed at start-up (a warm-up clear), none since: the misses are not explained by them.
    const clearedOnce = (index: number) => ({
      cache: { ...lowHitRate(index).cache, l1: { sets: 1_000 + 60 * index, deletes: 5_000 } },
    })
    expect(cacheLowHitRate.evaluate(feed(clearedOnce))?.action).toBe(
      'raise cache.ttl from 1h to 2h',
    )
  })

  it('stays silent on a good hit rate, on little traffic and on too little data', () => {
    const good = (index: number) => ({ cache: { hits: 900 * index, misses: 100 * index } })
    const quiet = (index: number) => ({ cache: { hits: 3 * index, misses: 9 * index } })
    expect(cacheLowHitRate.evaluate(feed(good))).toBeUndefined()
    expect(cacheLowHitRate.evaluate(feed(quiet))).toBeUndefined()
    expect(cacheLowHitRate.evaluate(feed(lowHitRate, { count: 3 }))).toBeUndefined()
  })
})

describe('cache.high-eviction', () => {
  const evicting = (index: number) => ({
    cache: { l1: { evictions: 600 * index, bytes: 63.5 * 1024 * 1024 } },
  })

  it('proposes doubling l1.maxBytes when a full tier keeps evicting', () => {
    expect(cacheHighEviction.evaluate(feed(evicting))).toMatchObject({
      id: 'cache.high-eviction',
      priority: 'medium',
      component: 'cache',
      title: 'In-process cache evicts 20 entries/s at 99.2% full over 5m',
      evidence: {
        metric: 'cache.l1.evictionsPerSecond.mean',
        value: 20,
        threshold: 5,
        window: '5m',
      },
      action: 'raise cache.l1.maxBytes from 64MiB to 128MiB',
    })
  })

  it('reads the current bound from the live tuning', () => {
    const ctx = feed(evicting)
    ctx.metrics.tuning.cache.l1MaxBytes = 256 * 1024 * 1024
    expect(cacheHighEviction.evaluate(ctx)?.action).toBe(
      'raise cache.l1.maxBytes from 256MiB to 512MiB',
    )
  })

  it('stays silent when the tier has room, and on too little data', () => {
    const roomy = (index: number) => ({
      cache: { l1: { evictions: 600 * index, bytes: 32 * 1024 * 1024 } },
    })
    expect(cacheHighEviction.evaluate(feed(roomy))).toBeUndefined()
    expect(cacheHighEviction.evaluate(feed(evicting, { count: 2 }))).toBeUndefined()
  })
})

describe('cache.compression-not-paying', () => {
  const tinySavings = (index: number) => ({
    cache: { compression: { compressed: 20 * index, bytesSaved: 200 * index } },
  })

  it('proposes a four times higher threshold when compressed values barely shrink', () => {
    expect(cacheCompressionNotPaying.evaluate(feed(tinySavings))).toMatchObject({
      id: 'cache.compression-not-paying',
      priority: 'low',
      component: 'cache',
      title: 'Compression saves 10 bytes per value (180 values compressed over 5m)',
      evidence: {
        metric: 'cache.bytesSavedPerCompressed.mean',
        value: 10,
        threshold: 64,
        window: '5m',
      },
      action: 'raise cache.compression.threshold from 1KiB to 4KiB',
    })
  })

  it('stays silent when compression pays, when little was compressed, and on too little data', () => {
    const paying = (index: number) => ({
      cache: { compression: { compressed: 20 * index, bytesSaved: 20_000 * index } },
    })
    const rare = (index: number) => ({
      cache: { compression: { compressed: index, bytesSaved: 10 * index } },
    })
    expect(cacheCompressionNotPaying.evaluate(feed(paying))).toBeUndefined()
    expect(cacheCompressionNotPaying.evaluate(feed(rare))).toBeUndefined()
    expect(cacheCompressionNotPaying.evaluate(feed(tinySavings, { count: 3 }))).toBeUndefined()
  })
})

describe('cache.redis-circuit-open', () => {
  const open = () => ({
    cache: { l2: { breaker: 'open' as const, connection: 'reconnecting', errors: 12 } },
  })

  it('is critical while the breaker is open, and says the cache serves from L1', () => {
    expect(cacheRedisCircuitOpen.evaluate(feed(open))).toMatchObject({
      id: 'cache.redis-circuit-open',
      priority: 'critical',
      component: 'cache',
      title: 'Redis circuit breaker is open (open in 100% of samples over 5m)',
      evidence: { metric: 'cache.l2.breakerOpen', value: 1, threshold: 1, window: 'now' },
      action:
        'check Redis (connection reconnecting, 12 failed commands, 0 invalidations waiting); the cache serves from its in-process tier (8MiB of 64MiB) meanwhile',
    })
  })

  it('stays silent once the breaker closed, without Redis, and on too little data', () => {
    const closedNow = (index: number) => (index < 9 ? open() : {})
    expect(cacheRedisCircuitOpen.evaluate(feed(closedNow))).toBeUndefined()
    expect(
      cacheRedisCircuitOpen.evaluate(feed(() => ({ cache: { l2: undefined } }))),
    ).toBeUndefined()
    expect(cacheRedisCircuitOpen.evaluate(feed(open, { count: 2 }))).toBeUndefined()
  })
})

describe('cache.l2-slow', () => {
  const slow = () => ({ cache: { l2: { latencyMs: { p99: 35 } } } })

  it('flags a slow Redis and proposes keeping more reads in process', () => {
    expect(cacheL2Slow.evaluate(feed(slow))).toMatchObject({
      id: 'cache.l2-slow',
      priority: 'medium',
      component: 'cache',
      title: 'Redis p99 latency is 35 ms over 5m',
      evidence: { metric: 'cache.l2.p99Ms.mean', value: 35, threshold: 20, window: '5m' },
      action:
        'check Redis latency (network round trip, SLOWLOG GET, large values), and raise cache.l1.maxBytes from 64MiB to 128MiB so more reads stay in process',
    })
  })

  it('stays silent on a fast Redis and on too little data', () => {
    expect(
      cacheL2Slow.evaluate(feed(() => ({ cache: { l2: { latencyMs: { p99: 5 } } } }))),
    ).toBeUndefined()
    expect(cacheL2Slow.evaluate(feed(slow, { count: 2 }))).toBeUndefined()
  })
})
