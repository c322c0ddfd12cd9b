import { forecastSeries, heapExhaustionLimit } from '../src/forecast/forecast.js'
import type { Trace } from './forecast-traces.js'

export type { Trace } from './forecast-traces.js'

/** The recorded traces file (test/fixtures/forecast-traces.json). */
export interface TraceFile {
  recordedAt: string
  machine: string
  traces: Trace[]
}

/** The optimizer's history window: forecasts see at most this much of the past. */
const WINDOW_MS = 15 * 60_000
/** Forecasts are made every this often along a trace… */
const STEP_MS = 15_000
/** …from when the forecaster may speak (2 min of data) until this close to the truth. */
const STOP_BEFORE_MS = 15_000

/** Errors of one method on one trace. */
export interface MethodScore {
  /** Mean absolute percentage error of the predicted time left; a missed forecast counts 100 %. */
  mape: number
  /** Forecasts that predicted no exhaustion (or drain) at all. */
  missed: number
}

/** One trace's backtest. */
export interface TraceScore {
  trace: string
  description: string
  /** Forecast points along the trace. */
  cuts: number
  ours: MethodScore
  naive: MethodScore
}

/**
 * Time left predicted by our forecaster at `at`, from the points up to it (the optimizer's window),
 * or `null` when it predicts none: for a resource filling up, `etaMs` of an `exhausts` outlook; for
 * a draining backlog, the drain time of a `recovering` one.
 */
export function oursAt(trace: Trace, at: number): number | null {
  const limit = exhaustionLimit(trace)
  const points = trace.points
    .filter(([t]) => t <= at && t > at - WINDOW_MS)
    .map(([t, value]) => ({ at: t, value }))
  const result = forecastSeries({
    resource: trace.resource,
    subject: trace.name,
    unit: trace.unit,
    points,
    limit: trace.direction === 'up' ? limit : null,
    envelope: trace.envelope,
  })
  if (trace.direction === 'down') return result.drainMs
  return result.forecast.outlook === 'exhausts' ? result.forecast.etaMs : null
}

/**
 * The naive baseline: a straight line through the last two points, extended to the limit;
 * `null` when it points away from it.
 */
export function naiveAt(trace: Trace, at: number): number | null {
  const seen = trace.points.filter(([t]) => t <= at)
  if (seen.length < 2) return null
  const [t1, v1] = seen.at(-2)!
  const [t2, v2] = seen.at(-1)!
  const slope = (v2 - v1) / (t2 - t1)
  const left = exhaustionLimit(trace) - v2
  if (slope === 0 || Math.sign(slope) !== Math.sign(left)) return null
  return left / slope
}

/**
 * The limit both methods forecast against: for the heap, V8's `heap_size_limit` without the
 * young generation, as the optimizer does when `memory.heapLimit` is not set.
 */
function exhaustionLimit(trace: Trace): number {
  return trace.resource === 'heap' ? heapExhaustionLimit(trace.limit, false) : trace.limit
}

function score(trace: Trace, predict: (trace: Trace, at: number) => number | null, cuts: number[]) {
  let total = 0
  let missed = 0
  for (const at of cuts) {
    const truth = trace.exhaustedAtMs - at
    const predicted = predict(trace, at)
    if (predicted === null) missed++
    total += predicted === null ? 1 : Math.abs(predicted - truth) / truth
  }
  return { mape: cuts.length === 0 ? Number.NaN : total / cuts.length, missed }
}

/**
 * Forecasts along every trace, every {@link STEP_MS} from two minutes of data (for a drain, from
 * 30 s into it) until shortly before the truth, and scores
 * our forecaster and the naive baseline.
 *
 * @example
 * backtest(file.traces).map((score) => score.ours.mape)
 */
export function backtest(traces: readonly Trace[]): TraceScore[] {
  return traces.map((trace) => {
    // The forecaster needs 2 min of data; a drain is judged from 30 s into it (the window still
    // holds the growth before, as the optimizer's would).
    const first = Math.max(2 * 60_000 + STEP_MS, trace.evaluateFromMs + 30_000)
    const cuts: number[] = []
    for (let at = first; at <= trace.exhaustedAtMs - STOP_BEFORE_MS; at += STEP_MS) cuts.push(at)
    return {
      trace: trace.name,
      description: trace.description,
      cuts: cuts.length,
      ours: score(trace, oursAt, cuts),
      naive: score(trace, naiveAt, cuts),
    }
  })
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`

/** The backtest as a Markdown table. */
export function renderBacktest(scores: readonly TraceScore[]): string[] {
  const lines = [
    '| trace | forecasts | MAPE ours | MAPE naive (last two points) | missed ours / naive |',
    '| --- | ---: | ---: | ---: | ---: |',
  ]
  for (const row of scores) {
    lines.push(
      `| ${row.trace}: ${row.description} | ${row.cuts} | ${percent(row.ours.mape)} | ${percent(row.naive.mape)} | ${row.ours.missed} / ${row.naive.missed} |`,
    )
  }
  return lines
}
