import { createHistogram } from 'node:perf_hooks'
import type { FaultRecord } from './faults.js'
import type { Recorder } from './recorder.js'

/**
 * Where a moment of the run falls:
 * - `warmup`: before the measurements start;
 * - `fault`: from a fault's injection until its probe is green (or gave up);
 * - `recovering`: the grace after that;
 * - `steady`: any other time before the final SIGTERM;
 * - `shutdown`: from the final SIGTERM on.
 */
export type Phase = 'warmup' | 'steady' | 'fault' | 'recovering' | 'shutdown'
export const PHASES: readonly Phase[] = ['warmup', 'steady', 'fault', 'recovering', 'shutdown']

/** The moments that divide a run into phases. */
export interface Timeline {
  mainStart: number
  /** When the API's stdout stopped being read. */
  stallAt: number
  mainEnd: number
  sigtermAt: number
  graceMs: number
  faults: readonly FaultRecord[]
}

/** The end of a fault's `fault` phase: recovered, or the probe gave up. */
export function faultEnd(fault: FaultRecord): number {
  return fault.recoveredAt ?? fault.probeEndedAt ?? fault.restoredAt
}

/**
 * The phase of an epoch-ms moment.
 *
 * @example
 * phaseAt(event.at, timeline) // 'fault'
 */
export function phaseAt(at: number, timeline: Timeline): Phase {
  if (at >= timeline.sigtermAt) return 'shutdown'
  if (at < timeline.mainStart) return 'warmup'
  let phase: Phase = 'steady'
  for (const fault of timeline.faults) {
    const end = faultEnd(fault)
    if (at >= fault.injectedAt && at < end) return 'fault'
    if (at >= end && at < end + timeline.graceMs) phase = 'recovering'
  }
  return phase
}

/** Requests and failures of one phase. */
export interface PhaseFigures {
  responses: number
  byStatus: Record<string, number>
  serverErrors: number
  clientErrors: number
  errorsByCode: Record<string, number>
  p50Ms: number | null
  p99Ms: number | null
}

/** Everything the load saw, split by phase and by request kind. */
export interface TrafficSummary {
  phases: Record<Phase, PhaseFigures>
  /** Status counts per request kind (all phases). */
  byKind: Record<string, Record<string, number>>
  /** 5xx outside fault windows (warm-up and steady), inside them (fault and recovering). */
  serverErrorsOutsideWindows: number
  serverErrorsInsideWindows: number
  /** Client-side failures before the final SIGTERM. */
  clientErrorsBeforeShutdown: number
  /** Examples of 5xx outside windows and client errors before the shutdown. */
  examples: string[]
  /** Counted events that are not errors (see `Recorder.note`). */
  notes: Record<string, number>
  /**
   * The API while its stdout was not read, until the SIGTERM, beside the 10 s before: a logger
   * that blocks on a full pipe shows as answers drying up here.
   */
  stall: {
    seconds: number
    answersPerSecond: number
    answersPerSecondBefore: number
    p99Ms: number | null
    clientErrors: number
  }
}

/**
 * Classifies every recorded answer and failure by phase; latency percentiles per phase come
 * from a `node:perf_hooks` histogram of all answers (any status).
 *
 * @example
 * const traffic = summarizeTraffic(recorder, timeline)
 */
export function summarizeTraffic(recorder: Recorder, timeline: Timeline): TrafficSummary {
  const histograms = new Map(PHASES.map((phase) => [phase, createHistogram()]))
  const phases = Object.fromEntries(
    PHASES.map((phase) => [
      phase,
      {
        responses: 0,
        byStatus: {},
        serverErrors: 0,
        clientErrors: 0,
        errorsByCode: {},
        p50Ms: null,
        p99Ms: null,
      } satisfies PhaseFigures,
    ]),
  ) as Record<Phase, PhaseFigures>
  const byKind: Record<string, Record<string, number>> = {}
  const examples: string[] = []
  const time = (at: number) => `+${((at - timeline.mainStart) / 1000).toFixed(1)} s`

  for (const event of recorder.responses) {
    const phase = phaseAt(event.at, timeline)
    const figures = phases[phase]
    figures.responses++
    bump(figures.byStatus, String(event.status))
    bump((byKind[event.kind] ??= {}), String(event.status))
    histograms.get(phase)!.record(Math.max(1, Math.round(event.latencyMs * 1_000)))
    if (event.status >= 500) {
      figures.serverErrors++
      if ((phase === 'steady' || phase === 'warmup') && examples.length < 20)
        examples.push(`${time(event.at)} ${phase}: ${event.status} on ${event.kind}`)
    }
  }
  for (const event of recorder.errors) {
    const phase = phaseAt(event.at, timeline)
    phases[phase].clientErrors++
    bump(phases[phase].errorsByCode, `${event.group}: ${event.code}`)
    if (phase !== 'shutdown' && examples.length < 20)
      examples.push(`${time(event.at)} ${phase}: ${event.group} ${event.code}`)
  }
  for (const phase of PHASES) {
    const histogram = histograms.get(phase)!
    if (histogram.count === 0) continue
    phases[phase].p50Ms = histogram.percentile(50) / 1_000
    phases[phase].p99Ms = histogram.percentile(99) / 1_000
  }
  const stallSeconds = (timeline.sigtermAt - timeline.stallAt) / 1000
  const inStall = recorder.responses.filter(
    (event) => event.at >= timeline.stallAt && event.at < timeline.sigtermAt,
  )
  const before = recorder.responses.filter(
    (event) => event.at >= timeline.stallAt - 10_000 && event.at < timeline.stallAt,
  )
  const stallHistogram = createHistogram()
  for (const event of inStall)
    stallHistogram.record(Math.max(1, Math.round(event.latencyMs * 1_000)))
  return {
    stall: {
      seconds: stallSeconds,
      answersPerSecond: stallSeconds > 0 ? inStall.length / stallSeconds : 0,
      answersPerSecondBefore: before.length / 10,
      p99Ms: inStall.length ? stallHistogram.percentile(99) / 1_000 : null,
      clientErrors: recorder.errors.filter(
        (event) => event.at >= timeline.stallAt && event.at < timeline.sigtermAt,
      ).length,
    },
    phases,
    byKind,
    serverErrorsOutsideWindows: phases.warmup.serverErrors + phases.steady.serverErrors,
    serverErrorsInsideWindows: phases.fault.serverErrors + phases.recovering.serverErrors,
    clientErrorsBeforeShutdown: PHASES.filter((phase) => phase !== 'shutdown').reduce(
      (sum, phase) => sum + phases[phase].clientErrors,
      0,
    ),
    examples,
    notes: { ...recorder.notes },
  }
}

/** The Redis fault windows (fault and grace), for the cache consistency check. */
export function redisWindows(timeline: Timeline): { start: number; end: number }[] {
  return timeline.faults
    .filter((fault) => fault.kind === 'redis-kill' || fault.kind === 'redis-stop')
    .map((fault) => ({ start: fault.injectedAt, end: faultEnd(fault) + timeline.graceMs }))
}

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1
}
