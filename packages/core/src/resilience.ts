import type { Duration } from '@bi-perf/cache'
import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type IBreaker,
  type Policy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel'
import { InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'

// cockatiel's building blocks, re-exported as they are: our factories only choose defaults.
export {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  handleType,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  SamplingBreaker,
  TaskCancelledError,
  wrap,
} from 'cockatiel'
export type { CircuitBreakerPolicy, IPolicy, Policy, RetryPolicy, TimeoutPolicy } from 'cockatiel'

/** Options of {@link retryPolicy}. */
export interface RetryPolicyOptions {
  /**
   * Which failures are retried, e.g. `handleType(FetchFailedError)` or
   * `handleWhen((error) => error.code === 'ECONNRESET')`.
   * @default handleAll
   */
  handle?: Policy
  /**
   * Calls in total, the first included (cockatiel's own `maxAttempts` counts retries only).
   * @default 3
   */
  maxAttempts?: number
  /**
   * Scale of the delays: the first retry waits up to about 1.4 times this, later ones grow
   * exponentially, with decorrelated jitter. `0` retries at once.
   * @default 100
   */
  initialDelay?: Duration
  /**
   * Longest delay between attempts.
   * @default '10s'
   */
  maxDelay?: Duration
}

/**
 * A cockatiel retry policy with exponential backoff: 3 calls in total, delays from 100 ms growing
 * to at most 10 s, retrying every error unless `handle` narrows it.
 *
 * @example
 * const policy = retryPolicy({ handle: handleType(FetchFailedError), maxAttempts: 5 })
 * const report = await policy.execute(({ signal }) => loadReport(id, signal))
 */
export function retryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 3
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidOptionError(
      'options.maxAttempts',
      maxAttempts,
      'must be an integer of at least 1 (the first call included)',
    )
  }
  return retry(options.handle ?? handleAll, {
    maxAttempts: maxAttempts - 1,
    backoff: new ExponentialBackoff({
      initialDelay: milliseconds('options.initialDelay', options.initialDelay ?? 100, true),
      maxDelay: milliseconds('options.maxDelay', options.maxDelay ?? '10s', true),
    }),
  })
}

/** Options of {@link circuitBreakerPolicy}. */
export interface CircuitBreakerPolicyOptions {
  /**
   * Which failures count against the circuit.
   * @default handleAll
   */
  handle?: Policy
  /**
   * When the circuit opens: a number of consecutive failures, or any cockatiel breaker such as
   * `new SamplingBreaker({ threshold: 0.2, duration: 30_000 })`.
   * @default 5 (consecutive failures)
   */
  breaker?: number | IBreaker
  /**
   * How long the circuit stays open before one trial call is let through (half-open).
   * @default '10s'
   */
  halfOpenAfter?: Duration
}

/**
 * A cockatiel circuit breaker that opens after 5 consecutive failures and lets a trial call
 * through after 10 s. While open, calls reject at once with `BrokenCircuitError`. Share one
 * policy between all calls to the same dependency.
 *
 * @example
 * const warehouse = circuitBreakerPolicy({ halfOpenAfter: '30s' })
 * const rows = await warehouse.execute(() => runQuery(sql))
 */
export function circuitBreakerPolicy(
  options: CircuitBreakerPolicyOptions = {},
): CircuitBreakerPolicy {
  const breaker = options.breaker ?? 5
  if (typeof breaker === 'number' && (!Number.isInteger(breaker) || breaker < 1)) {
    throw new InvalidOptionError(
      'options.breaker',
      breaker,
      'must be a positive integer (consecutive failures) or a cockatiel breaker',
    )
  }
  return circuitBreaker(options.handle ?? handleAll, {
    halfOpenAfter: milliseconds('options.halfOpenAfter', options.halfOpenAfter ?? '10s'),
    breaker: typeof breaker === 'number' ? new ConsecutiveBreaker(breaker) : breaker,
  })
}

/**
 * A cockatiel timeout policy with the aggressive strategy: the call rejects with
 * `TaskCancelledError` as soon as the time is up, and the `signal` it was given aborts so it can
 * stop its work.
 *
 * @example
 * const policy = wrap(retryPolicy(), timeoutPolicy('2s'))
 * await policy.execute(({ signal }) => fetchRows(signal))
 */
export function timeoutPolicy(duration: Duration): TimeoutPolicy {
  return timeout(milliseconds('duration', duration), TimeoutStrategy.Aggressive)
}

function milliseconds(field: string, value: Duration, allowZero = false): number {
  return read.duration(field, value, { allowZero })
}
