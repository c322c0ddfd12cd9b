import { afterEach, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../src/index.js'
import { inspector, OwnedRedis, uniquePrefix, waitFor } from './helpers.js'

/**
 * Steady mixed load against a cache; remembers the slowest call and every error, so a test can
 * prove that no call threw or hung while Redis was away.
 */
class SteadyLoad {
  slowestMs = 0
  errors: unknown[] = []
  calls = 0
  #running = true
  #done: Promise<void>

  constructor(cache: Cache) {
    this.#done = this.#run(cache)
  }

  /** Forgets what was measured so far (e.g. before the outage starts). */
  reset() {
    this.slowestMs = 0
    this.errors = []
    this.calls = 0
  }

  async stop() {
    this.#running = false
    await this.#done
  }

  async #run(cache: Cache) {
    let round = 0
    while (this.#running) {
      round++
      const key = `load:${round % 50}`
      const started = performance.now()
      try {
        if (round % 3 === 0) await cache.set(key, { round })
        else if (round % 3 === 1) await cache.get(key)
        else await cache.getOrSet(`${key}:computed`, () => ({ round }), { ttl: '1s' })
      } catch (error) {
        this.errors.push(error)
      }
      this.slowestMs = Math.max(this.slowestMs, performance.now() - started)
      this.calls++
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
}

const servers: OwnedRedis[] = []
const caches: Cache[] = []

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()))
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function setup() {
  const server = await OwnedRedis.start()
  servers.push(server)
  const prefix = uniquePrefix('fault')
  const cache = createCache({ redis: server.url, prefix })
  caches.push(cache)
  await waitFor(() => cache.stats().l2?.connection === 'ready', { what: 'the cache to connect' })
  return { server, prefix, cache }
}

describe('graceful fallback when Redis fails', () => {
  it('keeps serving through a SIGKILL, replays deletes and uses Redis again after restart', async () => {
    const { server, prefix, cache } = await setup()
    await cache.set('doomed', 'old value')
    await cache.set('report:1', 1)
    await cache.set('tagged', 1, { tags: ['sales'] })
    await cache.set('survivor', 'kept')

    const load = new SteadyLoad(cache)
    await waitFor(() => load.calls > 50, { what: 'load to start' })
    load.reset()

    await server.kill()
    await waitFor(() => cache.stats().l2?.connection !== 'ready', { what: 'the disconnect' })
    expect(await cache.get('survivor')).toBe('kept')
    expect(await cache.delete('doomed')).toBe(true)
    expect(await cache.clear('report:*')).toBe(1)
    expect(await cache.invalidateTags(['sales'])).toBe(1)
    expect(await cache.getOrSet('computed-offline', () => 'from loader')).toBe('from loader')
    await waitFor(() => load.calls > 200, { what: 'load during the outage' })

    expect(load.errors).toEqual([])
    expect(load.slowestMs).toBeLessThan(250)
    // The three invalidations, and every write of the load that skipped Redis.
    expect(cache.stats().l2?.pendingInvalidations).toBeGreaterThanOrEqual(3)

    await server.start()
    const redis = inspector(server.url)
    // The append-only file brought the old entries back; the replay must remove them.
    const usedAgainAfterMs = await waitFor(
      async () => {
        await cache.set('after-restart', 'fresh')
        return (await redis.exists(`${prefix}:after-restart`)) === 1
      },
      { timeoutMs: 5_000, what: 'Redis to be used again' },
    )
    expect(usedAgainAfterMs).toBeLessThan(5_000)
    await waitFor(() => cache.stats().l2?.pendingInvalidations === 0, { what: 'the replay' })
    expect(await redis.exists(`${prefix}:doomed`, `${prefix}:report:1`, `${prefix}:tagged`)).toBe(0)
    expect(await redis.exists(`${prefix}:survivor`)).toBe(1)

    const fresh = createCache({ redis: server.url, prefix })
    caches.push(fresh)
    await waitFor(() => fresh.stats().l2?.connection === 'ready')
    expect(await fresh.get('doomed')).toBeUndefined()
    expect(await fresh.get('survivor')).toBe('kept')

    await load.stop()
    expect(load.errors).toEqual([])
    const stats = cache.stats().l2!
    expect(stats.skipped).toBeGreaterThan(0)
    expect(stats.resyncs).toBeGreaterThanOrEqual(1)
    redis.disconnect()
  })

  it('times out on a hung Redis, opens the breaker, and closes it when Redis answers again', async () => {
    const { server, cache } = await setup()
    await cache.set('warm', 'in both tiers')
    const load = new SteadyLoad(cache)
    await waitFor(() => load.calls > 20, { what: 'load to start' })
    load.reset()

    server.pause()
    await waitFor(() => cache.stats().l2?.breaker === 'open', { what: 'the breaker to open' })
    await waitFor(() => load.calls > 200, { what: 'load while Redis hangs' })
    expect(load.errors).toEqual([])
    expect(load.slowestMs).toBeLessThan(250)
    expect(await cache.get('warm')).toBe('in both tiers')
    const during = cache.stats().l2!
    expect(during.timeouts).toBeGreaterThanOrEqual(5)
    expect(during.skipped).toBeGreaterThan(0)

    server.resume()
    await waitFor(() => cache.stats().l2?.breaker === 'closed', {
      timeoutMs: 5_000,
      what: 'the half-open probe to close the breaker',
    })
    const errorsBefore = cache.stats().l2!.errors
    await cache.set('after', 1)
    expect(cache.stats().l2!.errors).toBe(errorsBefore)
    await load.stop()
    expect(load.errors).toEqual([])
  })
})
