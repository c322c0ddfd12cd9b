import { metricMatcher } from './metric-names.js'
import type { ResolvedRule } from './options.js'
import type { AlertEvent } from './types.js'

/** State of one rule on one concrete metric. */
interface AlertState {
  rule: ResolvedRule
  metric: string
  firing: boolean
  /** When the threshold was first crossed in the current run of breaching samples. */
  breachSince: number | undefined
  /** When the value first came back past `clearAt` in the current run, while firing. */
  recoverSince: number | undefined
  firedAt: number
  /** The value that fired the alert, reported by `active()`. */
  firedValue: number
}

/**
 * Evaluates alert rules sample by sample. An alert fires once the threshold has been crossed on
 * every sample for `for`, and clears once the value has been back past `clearAt` on every sample
 * for `clearFor`; values between the two keep the current state, so an alert cannot flap around
 * a single threshold.
 */
export class AlertEngine {
  readonly #rules: readonly ResolvedRule[]
  readonly #matchers: readonly ((name: string) => boolean)[]
  /** States by metric name, built on a metric's first value (most metrics have none). */
  readonly #states = new Map<string, AlertState[]>()

  constructor(rules: readonly ResolvedRule[]) {
    this.#rules = rules
    this.#matchers = rules.map((rule) => metricMatcher(rule.metric))
  }

  /** Feeds one value; alerts that fire or clear are appended to `out`. */
  observe(metric: string, value: number, timestamp: number, out: AlertEvent[]): void {
    let states = this.#states.get(metric)
    if (states === undefined) {
      states = []
      for (let index = 0; index < this.#rules.length; index++) {
        if (this.#matchers[index]!(metric)) {
          states.push({
            rule: this.#rules[index]!,
            metric,
            firing: false,
            breachSince: undefined,
            recoverSince: undefined,
            firedAt: 0,
            firedValue: Number.NaN,
          })
        }
      }
      this.#states.set(metric, states)
    }
    for (const state of states) step(state, value, timestamp, out)
  }

  /** Alerts firing now. */
  active(): AlertEvent[] {
    const firing: AlertEvent[] = []
    for (const states of this.#states.values()) {
      for (const state of states) {
        if (state.firing) firing.push(eventOf(state, 'firing', state.firedValue, undefined))
      }
    }
    return firing
  }
}

function step(state: AlertState, value: number, timestamp: number, out: AlertEvent[]): void {
  const { rule } = state
  if (!state.firing) {
    const breaching = rule.direction === 'above' ? value > rule.threshold : value < rule.threshold
    if (!breaching) {
      state.breachSince = undefined
      return
    }
    state.breachSince ??= timestamp
    if (timestamp - state.breachSince >= rule.forMs) {
      state.firing = true
      state.firedAt = timestamp
      state.recoverSince = undefined
      state.firedValue = value
      out.push(eventOf(state, 'firing', value, undefined))
    }
    return
  }
  const recovered = rule.direction === 'above' ? value < rule.clearAt : value > rule.clearAt
  if (!recovered) {
    state.recoverSince = undefined
    return
  }
  state.recoverSince ??= timestamp
  if (timestamp - state.recoverSince >= rule.clearForMs) {
    state.firing = false
    out.push(eventOf(state, 'cleared', value, timestamp))
    state.breachSince = undefined
  }
}

function eventOf(
  state: AlertState,
  phase: AlertEvent['state'],
  value: number,
  clearedAt: number | undefined,
): AlertEvent {
  const { rule } = state
  const event: AlertEvent = {
    rule: rule.name,
    metric: state.metric,
    severity: rule.severity,
    state: phase,
    value,
    direction: rule.direction,
    threshold: rule.threshold,
    clearAt: rule.clearAt,
    since: state.breachSince ?? state.firedAt,
    firedAt: state.firedAt,
  }
  if (clearedAt !== undefined) event.clearedAt = clearedAt
  return event
}
