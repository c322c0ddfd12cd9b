import type { LatencySummary } from './types.js'

const BASE = 1.1
const LOG_BASE = Math.log(BASE)
const MIN_MS = 0.001
// 1 µs · 1.1^300 ≈ 2.6 × 10^9 ms: every realistic duration fits.
const BUCKETS = 300

/**
 * A fixed-size log-bucket histogram of milliseconds (10 % wide buckets, ±5 % error). Recording
 * is a logarithm and an increment: cheap enough for the query path, and 1.2 KB per instance, so
 * hundreds of query shapes can each have one.
 */
export class LogHistogram {
  readonly #counts = new Uint32Array(BUCKETS)
  #count = 0
  #max = 0

  record(ms: number) {
    const index =
      ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_BASE))
    this.#counts[index]!++
    this.#count++
    if (ms > this.#max) this.#max = ms
  }

  get count(): number {
    return this.#count
  }

  get max(): number {
    return this.#max
  }

  /** The value below which `fraction` of the recordings lie (bucket midpoint, capped at max). */
  percentile(fraction: number): number {
    if (this.#count === 0) return 0
    const rank = Math.max(1, Math.ceil(fraction * this.#count))
    let seen = 0
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#counts[index]!
      if (seen >= rank) {
        const upper = MIN_MS * BASE ** index
        return round(Math.min(this.#max, index === 0 ? upper : (upper + upper / BASE) / 2))
      }
    }
    return round(this.#max)
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      p50: this.percentile(0.5),
      p95: this.percentile(0.95),
      p99: this.percentile(0.99),
      max: round(this.#max),
    }
  }
}

/** Rounds milliseconds to microseconds, for readable stats. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}
