import { faultEnd } from './phases.js'
import type { Criterion, SoakReport } from './types.js'

/** Memory may grow at most this much from the end of the warm-up to the end of the run. */
export const MAX_MEMORY_GROWTH = 0.1

/** The report without its verdict. */
type Measured = Omit<SoakReport, 'criteria' | 'passed'>

/**
 * The soak's criteria, each with the numbers behind it. A check whose subject never happened
 * (no fault of a kind, no task checked, no cache read judged) fails rather than passing empty.
 *
 * @example
 * const criteria = judge(measured, { memory: 'enforce' })
 */
export function judge(report: Measured, options: { memory: 'enforce' | 'report' }): Criterion[] {
  const { traffic, tasks, consistency } = report
  const criteria: Criterion[] = []
  const add = (id: string, name: string, passed: boolean, evidence: string, enforced = true) =>
    criteria.push({ id, name, passed, enforced, evidence })

  const injected = new Set(report.faults.map((fault) => fault.kind))
  const missing = report.settings.rotation.filter((kind) => !injected.has(kind))
  add(
    'fault-coverage',
    'every fault kind of the rotation was injected',
    missing.length === 0,
    missing.length === 0
      ? `${report.faults.length} faults: ${[...injected].join(', ')}`
      : `never injected: ${missing.join(', ')} (run longer or fault more often)`,
  )
  add(
    'socket-errors',
    'no client-side socket error (before the final SIGTERM)',
    traffic.clientErrorsBeforeShutdown === 0 && totalResponses(report) > 0,
    `${traffic.clientErrorsBeforeShutdown} errors in ${totalResponses(report)} answers`,
  )
  add(
    'server-errors',
    'no 5xx outside fault windows',
    traffic.serverErrorsOutsideWindows === 0,
    `${traffic.serverErrorsOutsideWindows} outside, ${traffic.serverErrorsInsideWindows} inside fault windows`,
  )
  const unrecovered = report.faults.filter((fault) => fault.recoveredAt === undefined)
  add(
    'recovery',
    'every fault recovered',
    unrecovered.length === 0,
    report.faults
      .map(
        (fault) =>
          `${fault.kind} ${fault.recoveredAt === undefined ? `never (${fault.lastProbe})` : `${((faultEnd(fault) - fault.injectedAt) / 1000).toFixed(1)} s`}`,
      )
      .join('; '),
  )
  add(
    'tasks-lost',
    'no task lost',
    tasks.lost === 0 && tasks.checked > 0,
    `${tasks.checked} checked, ${tasks.completedChecked} completed, ${tasks.lost} lost${tasks.lost ? ` (${tasks.lostExamples.slice(0, 3).join(', ')})` : ''}`,
  )
  const extra = tasks.rerunsAfterFailedAttempt + tasks.rerunsSameAttempt
  add(
    'tasks-duplicates',
    'no duplicate run beyond at-least-once (reruns after a worker crash allowed)',
    extra === 0,
    `${tasks.rerunsAfterWorkerCrash} reruns after a worker crash; ${tasks.rerunsAfterFailedAttempt} after a failed attempt, ${tasks.rerunsSameAttempt} of the same attempt on a live worker`,
  )
  add(
    'tasks-refused-ran',
    'no task of a refused enqueue ran',
    tasks.runsOfRefusedEnqueues === 0,
    `${tasks.runsOfRefusedEnqueues} runs of refused enqueues (refused batches: ${JSON.stringify(tasks.batches.refused)}); allowed: ${tasks.runsOfUncertainEnqueues} runs of enqueues answered as uncertain, ${tasks.runsOfUnansweredEnqueues} of unanswered ones`,
  )
  add(
    'cache-consistency',
    'cache consistency guarantee holds',
    consistency.staleReads === 0 &&
      consistency.unexpectedMisses === 0 &&
      consistency.checkedReads > 0,
    `${consistency.checkedReads} of ${consistency.reads} reads judged: ${consistency.staleReads} stale, ${consistency.unexpectedMisses} unexpected misses; max staleness ${consistency.maxObservedStalenessMs} ms (bound ${report.settings.stalenessBoundMs} ms)`,
  )
  const grown = report.memory.filter(
    (proc) =>
      (proc.rssGrowth ?? 0) >= MAX_MEMORY_GROWTH || (proc.heapGrowth ?? 0) >= MAX_MEMORY_GROWTH,
  )
  const measured = report.memory.filter((proc) => proc.rssGrowth !== null)
  add(
    'memory-growth',
    `memory growth after warm-up under ${MAX_MEMORY_GROWTH * 100} % (RSS and heap)`,
    grown.length === 0 && measured.length > 0,
    report.memory
      .filter((proc) => proc.rssGrowth !== null || proc.heapGrowth !== null)
      .map(
        (proc) => `${proc.name} RSS ${percent(proc.rssGrowth)}, heap ${percent(proc.heapGrowth)}`,
      )
      .join('; ') || 'no process lived from the start checkpoint to the end',
    options.memory === 'enforce',
  )
  const failedExits = report.exits.filter((exit) => !exit.ok)
  add(
    'shutdown',
    'every process exits by itself with code 0 within its deadline after SIGTERM',
    failedExits.length === 0 && report.exits.length > 0,
    report.exits
      .map(
        (exit) =>
          `${exit.name} ${exit.killed ? 'SIGKILLed' : `${exit.exitMs} ms, code ${exit.code}${exit.signal ? ` ${exit.signal}` : ''}`} (deadline ${exit.deadlineMs} ms${exit.stalledLog ? ', log stalled' : ''})`,
      )
      .join('; '),
  )
  return criteria
}

function totalResponses(report: Measured): number {
  return Object.values(report.traffic.phases).reduce((sum, phase) => sum + phase.responses, 0)
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`
}
