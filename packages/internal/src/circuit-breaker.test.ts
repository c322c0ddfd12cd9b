import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from './circuit-breaker.js'

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures', () => {
    const breaker = new CircuitBreaker(3, 60_000)
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    expect(breaker.state).toBe('closed')
    breaker.failure()
    expect(breaker.state).toBe('open')
    expect(breaker.allow()).toBe(false)
  })

  it('lets exactly one probe through once half-open is due, and closes on its success', () => {
    const breaker = new CircuitBreaker(1, 0)
    let closed = 0
    breaker.onClose(() => closed++)
    breaker.failure()
    expect(breaker.allow()).toBe(true)
    expect(breaker.state).toBe('half-open')
    expect(breaker.allow()).toBe(false)
    breaker.success()
    expect(breaker.state).toBe('closed')
    expect(closed).toBe(1)
  })

  it('opens again when the probe fails', () => {
    const breaker = new CircuitBreaker(5, 0)
    for (let i = 0; i < 5; i++) breaker.failure()
    expect(breaker.allow()).toBe(true)
    breaker.failure()
    expect(breaker.state).toBe('open')
  })

  it('lets another probe through when a probe ends inconclusively', () => {
    const breaker = new CircuitBreaker(1, 0)
    breaker.failure()
    expect(breaker.allow()).toBe(true)
    expect(breaker.allow()).toBe(false)
    breaker.inconclusive()
    expect(breaker.state).toBe('open')
    expect(breaker.allow()).toBe(true)
    breaker.success()
    expect(breaker.state).toBe('closed')
  })

  it('ignores inconclusive outcomes while closed', () => {
    const breaker = new CircuitBreaker(2, 60_000)
    breaker.failure()
    breaker.inconclusive()
    expect(breaker.state).toBe('closed')
    breaker.failure()
    expect(breaker.state).toBe('open')
  })

  it('tells how long until the next probe while open', () => {
    const breaker = new CircuitBreaker(1, 60_000)
    expect(breaker.retryAfterMs()).toBe(0)
    breaker.failure()
    expect(breaker.retryAfterMs()).toBeGreaterThan(0)
    expect(breaker.retryAfterMs()).toBeLessThanOrEqual(60_000)
  })
})
