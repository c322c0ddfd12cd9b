import { createCache, type Cache } from '@bi-perf/cache'
import { waitFor } from '@bi-perf/test-services'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, Cached, cachedControls } from './cached.js'
import { defaultCache, resetDefaultCache } from './default-cache.js'
import { InvalidArgumentError } from './errors.js'

let cache: Cache

beforeEach(() => {
  cache = createCache()
})

afterEach(async () => {
  await cache.close()
  await resetDefaultCache()
})

describe('cached()', () => {
  it('shares one call between concurrent callers with the same arguments', async () => {
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const load = cached(
      async (id: number) => {
        calls++
        await gate
        return { id }
      },
      { key: 'load', cache },
    )
    const pending = Array.from({ length: 10 }, () => load(7))
    release()
    const results = await Promise.all(pending)
    expect(calls).toBe(1)
    expect(results.every((result) => result.id === 7)).toBe(true)
  })

  it('serves later calls from the cache', async () => {
    let calls = 0
    const load = cached((id: number) => ++calls + id, { key: 'later', cache })
    expect(await load(1)).toBe(2)
    expect(await load(1)).toBe(2)
    expect(calls).toBe(1)
  })

  it('keeps different arguments apart and ignores the key order of objects', async () => {
    const seen: unknown[] = []
    const load = cached(
      (filter: { region: string; year?: number }) => {
        seen.push(filter)
        return seen.length
      },
      { key: 'filters', cache },
    )
    expect(await load({ region: 'eu', year: 2026 })).toBe(1)
    expect(await load({ year: 2026, region: 'eu' })).toBe(1)
    expect(await load({ region: 'us', year: 2026 })).toBe(2)
    expect(load.key({ region: 'eu', year: 2026 })).not.toBe(load.key({ region: 'us', year: 2026 }))
    expect(load.key({ region: 'eu' })).toMatch(/^filters:[\w-]{43}$/)
  })

  it('calls the function again once the ttl has passed', async () => {
    let calls = 0
    const load = cached(() => ++calls, { key: 'short', cache, ttl: '30ms' })
    expect(await load()).toBe(1)
    await waitFor(async () => (await load()) === 2)
    expect(calls).toBe(2)
  })

  it('serves the stale result within grace while one refresh runs', async () => {
    let calls = 0
    let release!: () => void
    const refreshGate = new Promise<void>((resolve) => (release = resolve))
    const load = cached(
      async () => {
        if (++calls > 1) await refreshGate
        return calls
      },
      { key: 'graceful', cache, ttl: '20ms', grace: '1m' },
    )
    expect(await load()).toBe(1)
    // After the ttl, callers get the stale 1 at once while the refresh waits on the gate.
    await waitFor(async () => (await load()) === 1 && calls === 2)
    expect(await load()).toBe(1)
    release()
    await waitFor(async () => (await load()) === 2)
    expect(calls).toBe(2)
  })

  it('drops the entries of a tag on invalidateTags', async () => {
    let calls = 0
    const load = cached((region: string) => `${region}:${++calls}`, {
      key: 'tagged',
      cache,
      tags: (region) => [`sales:${region}`],
    })
    await load('eu')
    await load('us')
    expect(await cache.invalidateTags(['sales:eu'])).toBe(1)
    expect(await load('eu')).toBe('eu:3')
    expect(await load('us')).toBe('us:2')
  })

  it('invalidates the entry of one argument list', async () => {
    let calls = 0
    const load = cached((id: number) => id * 10 + ++calls, { key: 'inv', cache })
    await load(1)
    await load(2)
    expect(await load.invalidate(1)).toBe(true)
    expect(await load.invalidate(1)).toBe(false)
    expect(await load(1)).toBe(13)
    expect(await load(2)).toBe(22)
  })

  it('clears every entry of the function and no other', async () => {
    const first = cached((id: number) => id, { key: 'a*b', cache })
    const other = cached((id: number) => id, { key: 'a*bc', cache })
    await Promise.all([first(1), first(2), other(1)])
    expect(await first.clear()).toBe(2)
    expect(await cache.get(other.key(1))).toBe(1)
  })

  it('passes this through to the function', async () => {
    const service = {
      factor: 3,
      scale: cached(
        function (this: { factor: number }, n: number) {
          return n * this.factor
        },
        { key: 'scale', cache },
      ),
    }
    expect(await service.scale(2)).toBe(6)
  })

  it('returns undefined results without caching them', async () => {
    let calls = 0
    const load = cached(
      () => {
        calls++
        return undefined
      },
      { key: 'nothing', cache },
    )
    expect(await load()).toBeUndefined()
    expect(await load()).toBeUndefined()
    expect(calls).toBe(2)
  })

  it('does not cache a call that throws', async () => {
    let calls = 0
    const load = cached(
      () => {
        if (++calls === 1) throw new Error('boom')
        return 'ok'
      },
      { key: 'flaky', cache },
    )
    await expect(load()).rejects.toThrow('boom')
    expect(await load()).toBe('ok')
  })

  it('uses a key function for the whole key', async () => {
    const load = cached((user: { id: string; session: object }) => user.id, {
      key: (user) => `user:${user.id}`,
      cache,
    })
    expect(await load({ id: 'u1', session: new AbortController() })).toBe('u1')
    expect(await cache.get('user:u1')).toBe('u1')
    await expect(load.clear()).rejects.toMatchObject({ argument: 'options.key' })
  })

  it('names entries after the function by default', async () => {
    const load = cached(function revenue(year: number) {
      return year
    })
    expect(load.key(2026)).toMatch(/^revenue:/)
    await load(2026)
    expect(await defaultCache().namespace('fn').get(load.key(2026))).toBe(2026)
  })

  it('exposes its controls through cachedControls() and refuses other functions', () => {
    const load = cached((id: number) => id, { key: 'controls', cache })
    expect(cachedControls(load).key(1)).toBe(load.key(1))
    expect(() => cachedControls(() => Promise.resolve(1))).toThrow(InvalidArgumentError)
  })

  it('refuses an anonymous function without a key', () => {
    expect(() => cached(() => 1)).toThrow(InvalidArgumentError)
    expect(() => cached(() => 1)).toThrow(/options\.key/)
  })

  it('rejects invalid options naming the field', () => {
    expect(() => cached(() => 1, { key: 'x', ttl: '5 minutes' })).toThrow(/options\.ttl/)
    expect(() => cached(() => 1, { key: 'x', grace: -1 })).toThrow(/options\.grace/)
    expect(() => cached(() => 1, { key: '' })).toThrow(/options\.key/)
  })

  it('rejects arguments that cannot be hashed', async () => {
    const load = cached((callback: () => void) => typeof callback, { key: 'fn-arg', cache })
    await expect(load(() => undefined)).rejects.toMatchObject({
      code: 'E_CORE_INVALID_ARGUMENT',
      argument: 'args[0]',
    })
  })

  it('switches to the new default cache after resetDefaultCache()', async () => {
    let calls = 0
    const load = cached(function counted() {
      return ++calls
    })
    await load()
    await resetDefaultCache()
    expect(await load()).toBe(2)
  })
})

describe('@Cached', () => {
  it('caches a method by its arguments across instances and keeps this', async () => {
    let calls = 0
    class Reports {
      constructor(readonly label: string) {}

      @Cached({ ttl: '1m' })
      load(id: string): Promise<string> {
        calls++
        return Promise.resolve(`${this.label}:${id}`)
      }
    }
    const first = new Reports('first')
    const second = new Reports('second')
    expect(await first.load('r1')).toBe('first:r1')
    expect(await second.load('r1')).toBe('first:r1')
    expect(await second.load('r2')).toBe('second:r2')
    expect(calls).toBe(2)
  })

  it('names keys after the declaring class and method, also for subclasses', () => {
    class Base {
      @Cached()
      total(year: number): Promise<number> {
        return Promise.resolve(year)
      }
    }
    class Derived extends Base {}
    const derived = new Derived()
    expect(cachedControls(derived.total).key(2026)).toMatch(/^Base\.total:/)
  })

  it('offers invalidate through an instance', async () => {
    let calls = 0
    class Counter {
      @Cached({ cache: undefined, key: 'counter' })
      next(step: number): Promise<number> {
        return Promise.resolve((calls += step))
      }
    }
    const counter = new Counter()
    expect(await counter.next(1)).toBe(1)
    expect(await counter.next(1)).toBe(1)
    expect(await cachedControls(counter.next).invalidate(1)).toBe(true)
    expect(await counter.next(1)).toBe(2)
  })

  it('caches static methods under the class name', async () => {
    let calls = 0
    class Rates {
      @Cached()
      static rate(currency: string): Promise<string> {
        calls++
        return Promise.resolve(currency)
      }
    }
    await Rates.rate('EUR')
    await Rates.rate('EUR')
    expect(calls).toBe(1)
    expect(cachedControls(Rates.rate).key('EUR')).toMatch(/^Rates\.rate:/)
  })

  it('uses a key function that may read the arguments', async () => {
    class Tenants {
      @Cached({ key: (tenant: string, id: string) => `tenant:${tenant}:${id}` })
      find(tenant: string, id: string): Promise<string> {
        return Promise.resolve(`${tenant}/${id}`)
      }
    }
    await new Tenants().find('acme', '1')
    expect(await defaultCache().namespace('fn').get('tenant:acme:1')).toBe('acme/1')
  })
})
