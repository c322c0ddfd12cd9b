import { describe, expect, it } from 'vitest'
import { createCache } from './create-cache.js'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
import { DEFAULTS } from './defaults.js'
import { resolveOptions } from './options.js'

describe('options', () => {
  it('applies documented defaults', () => {
    const resolved = resolveOptions()
    expect(resolved.prefix).toBe(DEFAULTS.prefix)
    expect(resolved.defaults.ttl).toBe(3_600_000)
    expect(resolved.l1).toEqual({
      enabled: true,
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      values: 'frozen',
    })
    expect(resolved.compression).toEqual({ codec: 'lz4', threshold: 1024 })
    expect(resolved.commandTimeout).toBe(100)
    expect(resolved.redis).toBeUndefined()
  })

  it('resolves namespace TTLs from strings', () => {
    const resolved = resolveOptions({
      ttl: '10m',
      namespaces: { dashboard: { ttl: '30s' }, ai: {} },
    })
    expect(resolved.defaults).toEqual({ ttl: 600_000, grace: 0 })
    expect(resolved.namespaces.get('dashboard')).toEqual({ ttl: 30_000 })
    // Unset fields follow the cache-wide default, which configure() may change later.
    expect(resolved.namespaces.get('ai')).toEqual({})
  })

  it.each([
    [{ redis: 'http://127.0.0.1:6379' }, /redis: or rediss:/],
    [{ redis: 'not a url' }, /expected a URL/],
    [{ redis: 'redis://127.0.0.1:6379/abc' }, /database number/],
    [{ l1: { maxBytes: -1 } }, /l1\.maxBytes/],
    [{ l1: { maxEntries: 1.5 } }, /l1\.maxEntries/],
    [{ compression: { codec: 'zstd' as never } }, /compression\.codec.*lz4, gzip, none/],
    [{ ttlJitter: 1.5 }, /ttlJitter/],
    [{ prefix: '' }, /prefix/],
    [{ coalesce: { window: '2ms' } }, /coalesce\.window .*at most 1ms/],
    [{ coalesce: { maxBatch: 0 } }, /coalesce\.maxBatch .*from 1 to 10000/],
    [{ tll: '1m' } as never, /tll .*unknown option; did you mean "ttl"\?/],
    [{ l1: { maxEntrie: 5 } } as never, /l1\.maxEntrie .*did you mean "l1\.maxEntries"\?/],
    [{ breaker: { treshold: 5 } } as never, /breaker\.treshold .*"breaker\.threshold"/],
    [{ coalesce: { windw: 1 } } as never, /coalesce\.windw .*"coalesce\.window"/],
    [{ namespaces: { ai: { tl: 1 } } } as never, /namespaces\.ai\.tl .*"namespaces\.ai\.ttl"/],
    [{ colour: 'red' } as never, /colour .*unknown option; valid: redis, prefix, ttl/],
    [{ coalesce: { maxBatch: 20_000 } }, /coalesce\.maxBatch .*from 1 to 10000/],
    [{ coalesce: 'yes' as never }, /coalesce .*false or an object/],
  ])('rejects %j with an InvalidOptionError naming the option', (options, rule) => {
    expect(() => createCache(options)).toThrow(InvalidOptionError)
    expect(() => createCache(options)).toThrow(rule)
  })

  it('coalesces reads within the tick, 256 keys a batch, by default', () => {
    expect(resolveOptions().coalesce).toEqual({ window: 0, maxBatch: 256 })
    expect(resolveOptions({ coalesce: { window: '1ms', maxBatch: 64 } }).coalesce).toEqual({
      window: 1,
      maxBatch: 64,
    })
    expect(resolveOptions({ coalesce: false }).coalesce).toBe(false)
  })

  it('rejects bad durations with the option path', () => {
    expect(() => createCache({ ttl: -1 })).toThrow(InvalidDurationError)
    expect(() => createCache({ namespaces: { ai: { ttl: 'soon' } } })).toThrow(
      /namespaces\.ai\.ttl/,
    )
  })

  it('names the rejected option in the error field, and under the deprecated option getter', () => {
    const error = (() => {
      try {
        createCache({ l1: { maxEntries: -1 } })
      } catch (caught) {
        return caught as InvalidOptionError
      }
    })()
    expect(error).toMatchObject({ code: 'E_CACHE_INVALID_OPTION', field: 'l1.maxEntries' })
    expect(error?.option).toBe('l1.maxEntries')
  })

  it('spreads TTLs by ±10 % by default, and keeps them exact with ttlJitter 0', () => {
    expect(resolveOptions().ttlJitter).toBe(0.1)
    expect(resolveOptions({ ttlJitter: 0 }).ttlJitter).toBe(0)
  })

  it('exports frozen defaults shaped like the options', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.l1)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.coalesce)).toBe(true)
    const resolved = resolveOptions()
    expect(resolved.l1).toEqual(DEFAULTS.l1)
    expect(resolved.compression).toEqual(DEFAULTS.compression)
    expect(resolved.breaker.threshold).toBe(DEFAULTS.breaker.threshold)
    expect(resolved.coalesce).toEqual(DEFAULTS.coalesce)
    expect(resolved.coherence).toBe(DEFAULTS.coherence)
  })

  it('never echoes Redis credentials in errors', () => {
    expect(() => createCache({ redis: 'http://user:s3cret@host:6379' })).toThrow(/\*\*\*@/)
    expect(() => createCache({ redis: 'http://user:s3cret@host:6379' })).not.toThrow(/s3cret/)
  })
})
