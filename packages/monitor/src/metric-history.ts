import { MetricRing, summarizePoints } from '@bi-perf/internal'
import type { MetricPoint, MetricSummary } from './types.js'

/** One ring per metric, created on the metric's first value. */
export class MetricHistory {
  readonly #capacity: number
  readonly #rings = new Map<string, MetricRing>()
  // Scratch space for windows, reused across calls: summary() walks every metric.
  #times: Float64Array
  #values: Float64Array
  /** Timestamp of the newest sample, the end of every window. */
  newest = Number.NEGATIVE_INFINITY

  constructor(capacity: number) {
    this.#capacity = capacity
    this.#times = new Float64Array(0)
    this.#values = new Float64Array(0)
  }

  record(name: string, timestamp: number, value: number): void {
    let ring = this.#rings.get(name)
    if (!ring) {
      ring = new MetricRing(this.#capacity)
      this.#rings.set(name, ring)
    }
    ring.push(timestamp, value)
  }

  has(name: string): boolean {
    return this.#rings.has(name)
  }

  names(): string[] {
    return [...this.#rings.keys()]
  }

  /** Points of `name` in the window `(newest - windowMs, newest]`, oldest first. */
  points(name: string, windowMs: number): MetricPoint[] {
    const count = this.#window(name, windowMs)
    const points: MetricPoint[] = new Array<MetricPoint>(count)
    for (let index = 0; index < count; index++) {
      points[index] = { timestamp: this.#times[index]!, value: this.#values[index]! }
    }
    return points
  }

  /** Statistics of every metric over the window; metrics without points in it are left out. */
  summary(windowMs: number): Record<string, MetricSummary> {
    const result: Record<string, MetricSummary> = {}
    for (const name of this.#rings.keys()) {
      const count = this.#window(name, windowMs)
      if (count > 0) result[name] = summarize(this.#times, this.#values, count)
    }
    return result
  }

  #window(name: string, windowMs: number): number {
    const ring = this.#rings.get(name)
    if (!ring) return 0
    if (this.#times.length < ring.size) {
      this.#times = new Float64Array(this.#capacity)
      this.#values = new Float64Array(this.#capacity)
    }
    return ring.copySince(this.newest - windowMs, this.#times, this.#values)
  }
}

/** min / avg / max / nearest-rank p95 / last, and the least-squares slope per minute. */
export function summarize(times: Float64Array, values: Float64Array, count: number): MetricSummary {
  const { min, mean, max, p95, last, slopePerMinute } = summarizePoints(times, values, count)
  return { count, min, avg: mean, max, p95, last, trendPerMinute: slopePerMinute }
}
