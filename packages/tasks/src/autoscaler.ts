import type { ScaleDecision } from './types.js'

/** What the autoscaler looks at on one tick. */
export interface ScaleInput {
  /** Unix ms. */
  now: number
  current: number
  /** Unix ms of the last change, or 0. */
  lastChangeAt: number
  /** Tasks ready to run (not delayed). */
  backlog: number
  /** Age of the oldest ready task, ms. */
  oldestWaitMs: number
  /** Tasks running in this worker. */
  active: number
  cpu?: number
  eventLoopDelayMs?: number
}

/** The limits it decides within. */
export interface ScalePolicy {
  min: number
  max: number
  cooldown: number
  backlogPerSlot: number
  maxWait: number
  maxCpu: number
  maxEventLoopDelay: number
}

/**
 * Decides the next concurrency. Pure: the same input gives the same answer, so the policy is
 * tested without a queue. Returns `undefined` to keep the current value.
 *
 * - Overloaded (CPU or event-loop delay at or above its limit): never scale up; step down by a
 *   quarter, since more concurrency would only queue on the CPU.
 * - More than `backlogPerSlot` tasks waiting per slot: scale up towards `backlog / backlogPerSlot`,
 *   at most ×4 per step; a too-old oldest task alone scales up by half.
 * - Nothing waiting and fewer than half the slots busy: halve.
 * - Any change waits `cooldown` after the last one; a scale-down waits twice that, so a lull
 *   between bursts does not undo a scale-up (no oscillation).
 *
 * @example
 * decideConcurrency(
 *   { now: Date.now(), current: 5, lastChangeAt: 0, backlog: 500, oldestWaitMs: 3000, active: 5 },
 *   { min: 5, max: 50, cooldown: 5000, backlogPerSlot: 2, maxWait: 2000, maxCpu: 0.9, maxEventLoopDelay: 100 },
 * ) // { to: 20, reason: 'backlog', … }
 */
export function decideConcurrency(
  input: ScaleInput,
  policy: ScalePolicy,
): Pick<ScaleDecision, 'to' | 'reason'> | undefined {
  const { current, now, lastChangeAt } = input
  const sinceChange = now - lastChangeAt
  const clamp = (value: number) => Math.min(policy.max, Math.max(policy.min, value))

  const overloadReason =
    input.cpu !== undefined && input.cpu >= policy.maxCpu
      ? 'cpu'
      : input.eventLoopDelayMs !== undefined && input.eventLoopDelayMs >= policy.maxEventLoopDelay
        ? 'event-loop'
        : undefined
  if (overloadReason) {
    const to = clamp(Math.floor(current * 0.75))
    if (to >= current || sinceChange < policy.cooldown) return undefined
    return { to, reason: overloadReason }
  }

  if (input.backlog > current * policy.backlogPerSlot) {
    const wanted = Math.ceil(input.backlog / policy.backlogPerSlot)
    const to = clamp(Math.max(current + 1, Math.min(wanted, current * 4)))
    if (to <= current || sinceChange < policy.cooldown) return undefined
    return { to, reason: 'backlog' }
  }
  if (input.backlog > 0 && input.oldestWaitMs > policy.maxWait) {
    const to = clamp(Math.max(current + 1, Math.ceil(current * 1.5)))
    if (to <= current || sinceChange < policy.cooldown) return undefined
    return { to, reason: 'wait' }
  }

  if (input.backlog === 0 && input.active < current / 2) {
    const to = clamp(Math.floor(current / 2))
    if (to >= current || sinceChange < policy.cooldown * 2) return undefined
    return { to, reason: 'idle' }
  }
  return undefined
}

/** What the loop needs from the queue. */
export interface ScaleTarget {
  read(): Promise<{ backlog: number; oldestWaitMs: number; active: number; current: number }>
  apply(decision: ScaleDecision): void
  onError(error: Error): void
}

/**
 * Applies {@link decideConcurrency} every `interval`. Ticks never overlap (a slow Redis read
 * skips ticks instead of piling them up); the timer is unref'd and `stop()` ends it.
 */
export class Autoscaler {
  #timer: NodeJS.Timeout | undefined
  #busy = false
  #lastChangeAt = 0

  constructor(
    private readonly policy: ScalePolicy & { interval: number },
    private readonly target: ScaleTarget,
    private readonly probe?: () => { cpu?: number; eventLoopDelayMs?: number },
  ) {}

  start() {
    if (this.#timer) return
    this.#timer = setInterval(() => void this.tick(), this.policy.interval)
    this.#timer.unref()
  }

  stop() {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Whether the timer runs. */
  get running(): boolean {
    return this.#timer !== undefined
  }

  /** Moves the range it decides within (`configure()`); the next tick uses it. */
  setBounds(min: number, max: number) {
    this.policy.min = min
    this.policy.max = max
  }

  /** One look at the queue; exposed so tests can drive it without waiting for the timer. */
  async tick(): Promise<ScaleDecision | undefined> {
    if (this.#busy) return undefined
    this.#busy = true
    try {
      const state = await this.target.read()
      const load = this.probe?.() ?? {}
      const now = Date.now()
      const input: ScaleInput = {
        now,
        lastChangeAt: this.#lastChangeAt,
        ...state,
        ...(load.cpu === undefined ? {} : { cpu: load.cpu }),
        ...(load.eventLoopDelayMs === undefined ? {} : { eventLoopDelayMs: load.eventLoopDelayMs }),
      }
      const change = decideConcurrency(input, this.policy)
      if (!change || !this.#timer) return undefined
      this.#lastChangeAt = now
      const decision: ScaleDecision = {
        at: now,
        from: state.current,
        to: change.to,
        reason: change.reason,
        backlog: state.backlog,
        oldestWaitMs: state.oldestWaitMs,
        active: state.active,
        ...(input.cpu === undefined ? {} : { cpu: input.cpu }),
        ...(input.eventLoopDelayMs === undefined
          ? {}
          : { eventLoopDelayMs: input.eventLoopDelayMs }),
      }
      this.target.apply(decision)
      return decision
    } catch (error) {
      this.target.onError(error as Error)
      return undefined
    } finally {
      this.#busy = false
    }
  }
}
