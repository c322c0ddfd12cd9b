import { LogHistogram, round } from './log-histogram.js'
import type { QueryShapeStats, QueryStats, SlowQuery } from './types.js'

const MAX_SHAPE_LENGTH = 2000
const OTHER = '(other)'

interface Shape {
  count: number
  errors: number
  totalMs: number
  histogram: LogHistogram
}

/**
 * Per-shape query numbers. `record` runs on the query path (Kysely awaits the driver inline), so
 * it is synchronous, allocation-light and does no I/O; sorting happens only in `stats()`.
 */
export class QueryRecorder {
  readonly #shapes = new Map<string, Shape>()
  readonly #slow: SlowQuery[] = []
  #executed = 0
  #errors = 0

  constructor(
    private readonly options: {
      slowQueryMs: number
      maxSlowQueries: number
      maxQueryShapes: number
      topQueries: number
    },
  ) {}

  /** Records one statement. `sql` carries placeholders only; parameters never reach here. */
  record(sql: string, durationMs: number, error: string | null) {
    this.#executed++
    if (error !== null) this.#errors++
    const key = sql.length > MAX_SHAPE_LENGTH ? `${sql.slice(0, MAX_SHAPE_LENGTH)}…` : sql
    let shape = this.#shapes.get(key)
    if (shape === undefined) {
      const bucket = this.#shapes.size < this.options.maxQueryShapes ? key : OTHER
      shape = this.#shapes.get(bucket)
      if (shape === undefined) {
        shape = { count: 0, errors: 0, totalMs: 0, histogram: new LogHistogram() }
        this.#shapes.set(bucket, shape)
      }
    }
    shape.count++
    shape.totalMs += durationMs
    shape.histogram.record(durationMs)
    if (error !== null) shape.errors++
    if (durationMs > this.options.slowQueryMs) {
      this.#slow.push({
        sql: key,
        durationMs: round(durationMs),
        at: new Date().toISOString(),
        error,
      })
      if (this.#slow.length > this.options.maxSlowQueries) this.#slow.shift()
    }
  }

  stats(): QueryStats {
    const top = [...this.#shapes.entries()]
      .sort((a, b) => b[1].totalMs - a[1].totalMs)
      .slice(0, this.options.topQueries)
      .map(([sql, shape]): QueryShapeStats => ({
        sql,
        count: shape.count,
        errors: shape.errors,
        totalMs: round(shape.totalMs),
        meanMs: round(shape.totalMs / shape.count),
        p50Ms: shape.histogram.percentile(0.5),
        p95Ms: shape.histogram.percentile(0.95),
        p99Ms: shape.histogram.percentile(0.99),
        maxMs: round(shape.histogram.max),
      }))
    return {
      executed: this.#executed,
      errors: this.#errors,
      shapes: this.#shapes.size,
      slowQueryMs: this.options.slowQueryMs,
      top,
      slow: this.#slow.map((entry) => ({ ...entry })),
    }
  }
}
