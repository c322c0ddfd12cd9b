import { describe, expect, it } from 'vitest'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
import { DEFAULTS } from './defaults.js'
import { maskUrl, resolveOptions } from './options.js'

describe('resolveOptions', () => {
  it('applies the web profile by default', () => {
    const resolved = resolveOptions({})
    expect(resolved.pool).toEqual({
      profile: 'web',
      max: 10,
      min: 0,
      idleTimeoutMs: 10_000,
      connectionTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
      maxUses: 7500,
    })
    expect(resolved.cacheTtlMs).toBe(60_000)
    expect(resolved.slowQueryMs).toBe(200)
  })

  it('lets explicit fields override the chosen profile', () => {
    const resolved = resolveOptions({ pool: { profile: 'analytics', max: 8, statementTimeout: 0 } })
    expect(resolved.pool.max).toBe(8)
    expect(resolved.pool.statementTimeoutMs).toBe(0)
    expect(resolved.pool.connectionTimeoutMs).toBe(30_000)
  })

  it.each([
    ['not a url', /is not a URL/],
    ['mysql://root@localhost/db', /protocol mysql: is not supported/],
    ['', /expected a postgres/],
  ])('rejects the url %j with a typed error', (url, rule) => {
    expect(() => resolveOptions({ url })).toThrow(InvalidOptionError)
    expect(() => resolveOptions({ url })).toThrow(rule)
  })

  it('masks the password of a rejected url', () => {
    try {
      resolveOptions({ url: 'redis://user:hunter2@host/db' })
      expect.unreachable()
    } catch (error) {
      expect((error as InvalidOptionError).field).toBe('url')
      expect((error as Error).message).not.toContain('hunter2')
    }
    expect(maskUrl('postgres://u:p@h/d')).toBe('postgres://u:***@h/d')
  })

  it.each([
    [{ pool: { max: 0 } }, 'pool.max'],
    [{ pool: { max: 2, min: 3 } }, 'pool.min'],
    [{ pool: { profile: 'huge' as never } }, 'pool.profile'],
    [{ slowQueryMs: -1 }, 'slowQueryMs'],
    [{ cache: {} as never }, 'cache'],
    [{ searchPath: 'a; drop table x' }, 'searchPath'],
    [{ url: 'postgres://h/d', dataDir: '/tmp/x' }, 'dataDir'],
    [{ url: 'postgres://h/d', embedded: { thread: 'main' as const } }, 'embedded'],
    [{ embedded: { thread: 'gpu' as never } }, 'embedded.thread'],
    [{ slowQueryMS: 5 } as never, 'slowQueryMS'],
    [{ pool: { maxx: 5 } } as never, 'pool.maxx'],
    [{ embedded: { callTimout: '1s' } } as never, 'embedded.callTimout'],
  ])('rejects %j naming %s', (options, field) => {
    try {
      resolveOptions(options)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect((error as InvalidOptionError).field).toBe(field)
      expect((error as InvalidOptionError).code).toBe('E_DB_INVALID_OPTION')
    }
  })

  it('runs PGlite in a worker thread unless told otherwise', () => {
    expect(resolveOptions({}).embedded).toEqual({ thread: 'worker', callTimeoutMs: 60_000 })
    expect(resolveOptions({ embedded: { thread: 'main', callTimeout: '2m' } }).embedded).toEqual({
      thread: 'main',
      callTimeoutMs: 120_000,
    })
    expect(() => resolveOptions({ embedded: { callTimeout: 0 } })).toThrow(/embedded\.callTimeout/)
  })

  it('rejects a bad duration naming the field', () => {
    expect(() => resolveOptions({ pool: { idleTimeout: '5 parsecs' } })).toThrow(
      InvalidDurationError,
    )
    expect(() => resolveOptions({ pool: { idleTimeout: '5 parsecs' } })).toThrow(
      /pool\.idleTimeout/,
    )
  })

  it('rejects an unknown option name, naming the closest valid one', () => {
    expect(() => resolveOptions({ cacheTTL: '5s' } as never)).toThrow(
      /Invalid option cacheTTL "5s": unknown option; did you mean "cacheTtl"\?/,
    )
    expect(() => resolveOptions({ pool: { idle: 5 } } as never)).toThrow(
      /pool\.idle 5: unknown option; valid: pool\.profile, pool\.max/,
    )
  })

  it('keeps the deprecated option getter returning the field', () => {
    const error = new InvalidOptionError('pool.max', 0, 'must be a positive integer')
    expect(error.option).toBe('pool.max')
  })

  it('resolves to DEFAULTS when nothing is set, and DEFAULTS cannot be changed', () => {
    const resolved = resolveOptions({})
    expect(resolved.applicationName).toBe(DEFAULTS.applicationName)
    expect(resolved.pool.max).toBe(DEFAULTS.pool.max)
    expect(resolved.embedded.thread).toBe(DEFAULTS.embedded.thread)
    expect(resolved.maxQueryShapes).toBe(DEFAULTS.maxQueryShapes)
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.pool)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.embedded)).toBe(true)
  })
})
