import type { BreakerState } from './types.js'

/**
 * A consecutive-failure circuit breaker in front of the producer's Redis connection, with the
 * semantics of @bi-perf/cache's (the packages do not import each other, so it is repeated here).
 *
 * Closed: everything passes; `threshold` consecutive failures open it. Open: nothing passes until
 * `halfOpenAfter` has elapsed, then exactly one probe does (half-open); its success closes the
 * breaker, its failure opens it again.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed'
  #consecutiveFailures = 0
  #openedAt = 0

  constructor(
    private readonly threshold: number,
    private readonly halfOpenAfter: number,
  ) {}

  get state(): BreakerState {
    return this.#state
  }

  /** Whether a call may go out now. In the open state, lets one probe through when due. */
  allow(): boolean {
    if (this.#state === 'closed') return true
    if (this.#state === 'open' && Date.now() - this.#openedAt >= this.halfOpenAfter) {
      this.#state = 'half-open'
      return true
    }
    return false
  }

  /** Milliseconds until a probe may go out: 0 while closed, `halfOpenAfter` while probing. */
  retryAfterMs(): number {
    if (this.#state === 'closed') return 0
    if (this.#state === 'half-open') return this.halfOpenAfter
    return Math.max(0, this.#openedAt + this.halfOpenAfter - Date.now())
  }

  success() {
    this.#consecutiveFailures = 0
    this.#state = 'closed'
  }

  failure() {
    this.#consecutiveFailures++
    if (this.#state === 'half-open' || this.#consecutiveFailures >= this.threshold) {
      this.#state = 'open'
      this.#openedAt = Date.now()
    }
  }

  /**
   * A call that ended without saying anything about Redis (it was refused before being sent).
   * Counts neither way; a half-open breaker lets the next call probe again.
   */
  inconclusive() {
    if (this.#state !== 'half-open') return
    this.#state = 'open'
    this.#openedAt = Date.now() - this.halfOpenAfter
  }
}
