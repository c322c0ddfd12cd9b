import { describe, expect, it } from 'vitest'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
import { DEFAULTS } from './defaults.js'
import { resolveOptions } from './options.js'

describe('resolveOptions', () => {
  it('fills in documented defaults', () => {
    const options = resolveOptions({ name: 'insights' })
    expect(options).toMatchObject({
      prefix: 'bi-perf',
      worker: true,
      concurrency: { min: 1, max: 10 },
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000, maxDelay: 300_000, jitter: 1 },
      timeout: 300_000,
      keepCompleted: 1000,
      rateLimit: undefined,
      commandTimeout: 500,
      breaker: { threshold: 3, halfOpenAfter: 1000 },
    })
  })

  it('accepts the command timeout and breaker in milliseconds or as strings', () => {
    const options = resolveOptions({
      name: 'q',
      commandTimeout: '250ms',
      breaker: { threshold: 1, halfOpenAfter: 200 },
    })
    expect(options.commandTimeout).toBe(250)
    expect(options.breaker).toEqual({ threshold: 1, halfOpenAfter: 200 })
  })

  it('accepts a fixed concurrency and duration strings', () => {
    const options = resolveOptions({
      name: 'q',
      concurrency: 8,
      timeout: '90s',
      rateLimit: { max: 10, per: '1s' },
    })
    expect(options.concurrency).toEqual({ min: 8, max: 8 })
    expect(options.timeout).toBe(90_000)
    expect(options.rateLimit).toEqual({ max: 10, per: 1000 })
  })

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'has space' }, 'name'],
    [{ name: 'q', concurrency: { min: 5, max: 2 } }, 'concurrency.max'],
    [{ name: 'q', concurrency: 0 }, 'concurrency'],
    [{ name: 'q', retry: { attempts: 0 } }, 'retry.attempts'],
    [{ name: 'q', retry: { backoff: { jitter: 1.5 } } }, 'retry.backoff.jitter'],
    [{ name: 'q', retry: { backoff: { type: 'linear' as 'fixed' } } }, 'retry.backoff.type'],
    [{ name: 'q', retry: { backoff: { delay: '10s', maxDelay: '1s' } } }, 'retry.backoff.maxDelay'],
    [{ name: 'q', rateLimit: { max: 0, per: '1s' } }, 'rateLimit.max'],
    [{ name: 'q', autoscale: { backlogPerSlot: -1 } }, 'autoscale.backlogPerSlot'],
    [{ name: 'q', breaker: { threshold: 0 } }, 'breaker.threshold'],
    [{ name: 'q', timout: '1m' }, 'timout'],
    [{ name: 'q', retry: { atempts: 2 } }, 'retry.atempts'],
    [{ name: 'q', retry: { backoff: { dealy: '1s' } } }, 'retry.backoff.dealy'],
    [{ name: 'q', autoscale: { intervl: '1s' } }, 'autoscale.intervl'],
    [{ name: 'q', concurrency: { min: 1, maxx: 2 } }, 'concurrency.maxx'],
    [{ name: 'q', rateLimit: { max: 1, pr: '1s' } }, 'rateLimit.pr'],
    [{ name: 'q', breaker: { halfOpen: '1s' } }, 'breaker.halfOpen'],
  ])('rejects %j naming %s', (options, field) => {
    try {
      resolveOptions(options as never)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect((error as InvalidOptionError).field).toBe(field)
      expect((error as InvalidOptionError).code).toBe('E_TASKS_INVALID_OPTION')
    }
  })

  it('names the closest valid option for an unknown one', () => {
    expect(() => resolveOptions({ name: 'q', keepComplete: 5 } as never)).toThrow(
      /keepComplete .*unknown option; did you mean "keepCompleted"\?/,
    )
    expect(() => resolveOptions({ name: 'q', colour: 'red' } as never)).toThrow(
      /colour .*unknown option; valid: name, redis, prefix/,
    )
  })

  it('keeps the deprecated option getter of InvalidOptionError', () => {
    const error = new InvalidOptionError('retry.attempts', 0, 'must be a positive integer')
    expect(error.option).toBe('retry.attempts')
    expect(error.field).toBe('retry.attempts')
  })

  it('exports frozen defaults shaped like the options, which resolveOptions applies', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.retry.backoff)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.concurrency)).toBe(true)
    const resolved = resolveOptions({ name: 'q' })
    expect(resolved.concurrency).toEqual(DEFAULTS.concurrency)
    expect(resolved.backoff).toMatchObject({
      type: DEFAULTS.retry.backoff.type,
      jitter: DEFAULTS.retry.backoff.jitter,
    })
    expect(resolved.attempts).toBe(DEFAULTS.retry.attempts)
    expect(resolved.autoscale.maxCpu).toBe(DEFAULTS.autoscale.maxCpu)
    expect(resolved.keepCompleted).toBe(DEFAULTS.keepCompleted)
  })

  it('rejects a bad duration with the field name', () => {
    expect(() => resolveOptions({ name: 'q', timeout: '5 parsecs' })).toThrow(InvalidDurationError)
    expect(() => resolveOptions({ name: 'q', timeout: '5 parsecs' })).toThrow(/timeout/)
  })

  it('rejects a zero command timeout naming it', () => {
    try {
      resolveOptions({ name: 'q', commandTimeout: 0 })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDurationError)
      expect((error as InvalidDurationError).field).toBe('commandTimeout')
    }
  })
})
