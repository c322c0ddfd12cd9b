import { afterEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import {
  BrokenCircuitError,
  circuitBreakerPolicy,
  CircuitState,
  handleType,
  retryPolicy,
  TaskCancelledError,
  timeoutPolicy,
  wrap,
} from './resilience.js'

class TransientError extends Error {}

afterEach(() => {
  vi.useRealTimers()
})

describe('retryPolicy', () => {
  it('makes 3 calls in total by default with backoff delays from about 100 ms', async () => {
    let calls = 0
    const delays: number[] = []
    const policy = retryPolicy()
    policy.onRetry(({ delay }) => delays.push(delay))
    await expect(
      policy.execute(() => {
        calls++
        throw new Error(`failure ${calls}`)
      }),
    ).rejects.toThrow('failure 3')
    expect(calls).toBe(3)
    expect(delays).toHaveLength(2)
    // Decorrelated jitter keeps the first delay within 1.4 x initialDelay (100 ms).
    expect(delays[0]).toBeLessThanOrEqual(140)
    expect(delays[1]).toBeLessThanOrEqual(10_000)
  })

  it('succeeds as soon as one attempt does', async () => {
    let calls = 0
    const result = await retryPolicy({ initialDelay: 0 }).execute(() => {
      if (++calls < 3) throw new Error('not yet')
      return 'done'
    })
    expect(result).toBe('done')
    expect(calls).toBe(3)
  })

  it('retries only the errors it is told to handle', async () => {
    let calls = 0
    const policy = retryPolicy({ handle: handleType(TransientError), initialDelay: 0 })
    await expect(
      policy.execute(() => {
        calls++
        throw new RangeError('permanent')
      }),
    ).rejects.toThrow(RangeError)
    expect(calls).toBe(1)
  })

  it('counts maxAttempts as calls in total', async () => {
    let calls = 0
    const policy = retryPolicy({ maxAttempts: 5, initialDelay: 0 })
    await expect(
      policy.execute(() => {
        calls++
        throw new TransientError()
      }),
    ).rejects.toBeInstanceOf(TransientError)
    expect(calls).toBe(5)
  })

  it('rejects invalid options naming the field', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(InvalidArgumentError)
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/options\.maxAttempts/)
    expect(() => retryPolicy({ maxDelay: 'soon' })).toThrow(/options\.maxDelay/)
  })
})

describe('circuitBreakerPolicy', () => {
  it('opens after 5 consecutive failures and then rejects with BrokenCircuitError', async () => {
    const policy = circuitBreakerPolicy()
    let calls = 0
    const fail = () => {
      calls++
      throw new Error('down')
    }
    for (let i = 0; i < 4; i++) await expect(policy.execute(fail)).rejects.toThrow('down')
    expect(policy.state).toBe(CircuitState.Closed)
    await expect(policy.execute(fail)).rejects.toThrow('down')
    expect(policy.state).toBe(CircuitState.Open)
    await expect(policy.execute(fail)).rejects.toBeInstanceOf(BrokenCircuitError)
    expect(calls).toBe(5)
  })

  it('lets a trial call through 10 s after opening', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const policy = circuitBreakerPolicy()
    for (let i = 0; i < 5; i++) {
      await expect(policy.execute(() => Promise.reject(new Error('down')))).rejects.toThrow()
    }
    vi.setSystemTime(Date.now() + 9_900)
    await expect(policy.execute(() => 'early')).rejects.toBeInstanceOf(BrokenCircuitError)
    vi.setSystemTime(Date.now() + 200)
    expect(await policy.execute(() => 'recovered')).toBe('recovered')
    expect(policy.state).toBe(CircuitState.Closed)
  })

  it('takes a custom threshold', async () => {
    const policy = circuitBreakerPolicy({ breaker: 2 })
    for (let i = 0; i < 2; i++) {
      await expect(policy.execute(() => Promise.reject(new Error('down')))).rejects.toThrow()
    }
    expect(policy.state).toBe(CircuitState.Open)
    expect(() => circuitBreakerPolicy({ breaker: 0 })).toThrow(/options\.breaker/)
  })
})

describe('timeoutPolicy', () => {
  it('rejects with TaskCancelledError when time is up and aborts the signal', async () => {
    let signal: AbortSignal | undefined
    const policy = timeoutPolicy(20)
    await expect(
      policy.execute((context) => {
        signal = context.signal
        return new Promise(() => undefined)
      }),
    ).rejects.toBeInstanceOf(TaskCancelledError)
    expect(signal?.aborted).toBe(true)
  })

  it('accepts duration strings and rejects invalid ones', () => {
    expect(() => timeoutPolicy('2s')).not.toThrow()
    expect(() => timeoutPolicy(-1)).toThrow(/duration/)
  })

  it('composes with retries through wrap', async () => {
    let calls = 0
    const policy = wrap(retryPolicy({ initialDelay: 0 }), timeoutPolicy(20))
    await expect(
      policy.execute(() => {
        calls++
        return new Promise(() => undefined)
      }),
    ).rejects.toBeInstanceOf(TaskCancelledError)
    expect(calls).toBe(3)
  })
})
