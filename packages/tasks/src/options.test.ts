import { describe, expect, it } from 'vitest'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
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
  ])('rejects %j naming %s', (options, option) => {
    try {
      resolveOptions(options)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect((error as InvalidOptionError).option).toBe(option)
      expect((error as InvalidOptionError).code).toBe('E_TASKS_INVALID_OPTION')
    }
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
