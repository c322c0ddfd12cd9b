/** Where a {@link CircuitBreaker} stands; the packages restate it in their public types. */
export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * A consecutive-failure circuit breaker in front of a Redis connection (the cache's L2 tier, the
 * task queue's producer). It sits on the cache's hottest path (every L2 command), so it is a few synchronous checks rather than a wrapping async policy: measured here,
 * cockatiel's `execute` added two async layers per command and cost about 10 % of L2 throughput.
 *
 * Closed: everything passes; `threshold` consecutive failures open it. Open: nothing passes until
 * `halfOpenAfter` has elapsed, then exactly one probe does (half-open); its success closes the
 * breaker, its failure opens it again.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed'
  #consecutiveFailures = 0
  #openedAt = 0
  readonly #onClose: (() => void)[] = []

  constructor(
    private readonly threshold: number,
    private readonly halfOpenAfter: number,
  ) {}

  get state(): BreakerState {
    return this.#state
  }

  /** Milliseconds until a probe may go out: 0 while closed, `halfOpenAfter` while probing. */
  retryAfterMs(): number {
    if (this.#state === 'closed') return 0
    if (this.#state === 'half-open') return this.halfOpenAfter
    return Math.max(0, this.#openedAt + this.halfOpenAfter - Date.now())
  }

  /** Whether a command may go out now. In the open state, lets one probe through when due. */
  allow(): boolean {
    if (this.#state === 'closed') return true
    if (this.#state === 'open' && Date.now() - this.#openedAt >= this.halfOpenAfter) {
      this.#state = 'half-open'
      return true
    }
    return false
  }

  success() {
    this.#consecutiveFailures = 0
    if (this.#state === 'closed') return
    this.#state = 'closed'
    for (const listener of this.#onClose) listener()
  }

  failure() {
    this.#consecutiveFailures++
    if (this.#state === 'half-open' || this.#consecutiveFailures >= this.threshold) {
      this.#state = 'open'
      this.#openedAt = Date.now()
    }
  }

  /**
   * An outcome that says nothing about Redis as a whole (one cluster node refused at once).
   * Counts neither way; a half-open breaker lets the next call probe again.
   */
  inconclusive() {
    if (this.#state !== 'half-open') return
    this.#state = 'open'
    this.#openedAt = Date.now() - this.halfOpenAfter
  }

  /** Calls `listener` each time the breaker closes after having been open. */
  onClose(listener: () => void) {
    this.#onClose.push(listener)
  }
}
