import type pg from 'pg'
import type { Batch, BatchLedger } from './batch-ledger.js'
import { sleep } from './sleep.js'

/** One handler run, from `demo_scrape_runs` (apps/api/src/demo/scrape.ts). */
export interface RunRow {
  id: number
  jobId: string
  batchId: string
  worker: string
  attempt: number | null
  ranAt: number
}

/** A worker the soak SIGKILLed: its instance name and when. */
export interface KilledWorker {
  instance: string
  at: number
}

/** The task ledger's verdict. */
export interface TaskResult {
  batches: {
    issued: number
    accepted: number
    /** Refused batches by status and error code (`503 E_API_UNAVAILABLE`). */
    refused: Record<string, number>
    unanswered: number
  }
  /** Tasks the API acknowledged (sum of `enqueued` of the 202s). */
  accepted: number
  /** Of those, the ones acknowledged before the cut-off, which had to complete before the shutdown. */
  checked: number
  completedChecked: number
  /** Checked tasks with no stored result: lost. */
  lost: number
  lostExamples: string[]
  /** Acknowledged after the cut-off (shown, not judged: the shutdown may leave them queued). */
  acceptedAfterCutoff: number
  completedAfterCutoff: number
  runs: number
  /** Tasks that ran more than once. */
  tasksRunMoreThanOnce: number
  /** Extra runs after the previous run's worker was SIGKILLed: allowed by at-least-once. */
  rerunsAfterWorkerCrash: number
  /** Extra runs with a higher attempt: an attempt failed after its write had landed. */
  rerunsAfterFailedAttempt: number
  /** Extra runs of the same attempt on a live worker: its lock was lost (stalled job). */
  rerunsSameAttempt: number
  rerunExamples: string[]
  /** Runs of tasks whose enqueue the API refused (non-202): the caller was told it failed. */
  runsOfRefusedEnqueues: number
  /**
   * Runs of tasks whose enqueue the API answered as uncertain (an error code with `UNCERTAIN`,
   * e.g. 503 `E_TASKS_ENQUEUE_UNCERTAIN`: "may or may not have been queued"): allowed.
   */
  runsOfUncertainEnqueues: number
  /** Runs of tasks whose enqueue got no answer (outcome unknown to the caller): allowed. */
  runsOfUnansweredEnqueues: number
}

/** All handler runs, oldest first. */
export async function readRuns(pool: pg.Pool): Promise<RunRow[]> {
  const { rows } = await pool.query<{
    id: string
    job_id: string
    batch_id: string
    worker: string
    attempt: number | null
    ran_at: string
  }>(
    `select id, job_id, batch_id, worker, attempt,
            (extract(epoch from ran_at) * 1000)::bigint as ran_at
     from demo_scrape_runs order by id`,
  )
  return rows.map((row) => ({
    id: Number(row.id),
    jobId: row.job_id,
    batchId: row.batch_id,
    worker: row.worker,
    attempt: row.attempt,
    ranAt: Number(row.ran_at),
  }))
}

/** Task ids with a stored result among the given batches. */
export async function readCompleted(pool: pg.Pool, batchIds: string[]): Promise<Set<string>> {
  if (batchIds.length === 0) return new Set()
  const { rows } = await pool.query<{ job_id: string }>(
    'select job_id from demo_scrape_results where batch_id = any($1)',
    [batchIds],
  )
  return new Set(rows.map((row) => row.job_id))
}

/**
 * Waits until every task of `batches` has a stored result, or `timeoutMs` passed.
 *
 * @example
 * const { done, expected } = await waitCompleted(pool, ledger.accepted(cutoff), 90_000)
 */
export async function waitCompleted(
  pool: pg.Pool,
  batches: readonly Batch[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ done: number; expected: number; ms: number }> {
  const expected = batches.reduce((sum, batch) => sum + (batch.enqueued ?? 0), 0)
  const ids = batches.map((batch) => batch.id)
  const started = Date.now()
  let done = 0
  while (Date.now() - started < timeoutMs) {
    // A failed count (the server restarting) keeps the last one.
    done = await countCompleted(pool, ids).catch(() => done)
    if (done >= expected) break
    await sleep(1_000, signal)
  }
  return { done, expected, ms: Date.now() - started }
}

async function countCompleted(pool: pg.Pool, batchIds: string[]): Promise<number> {
  if (batchIds.length === 0) return 0
  const { rows } = await pool.query<{ done: number }>(
    'select count(*)::int as done from demo_scrape_results where batch_id = any($1)',
    [batchIds],
  )
  return rows[0]?.done ?? 0
}

/** The ids the API gave the tasks of a batch (apps/api/src/demo/scrape.ts `scrapeTaskId`). */
export function taskIds(batch: Batch): string[] {
  return Array.from({ length: batch.enqueued ?? 0 }, (_, i) => `${batch.id}-${i + 1}`)
}

/**
 * Compares what the API acknowledged with what the handlers did: every task acknowledged before
 * `cutoff` must have a result (none lost); every extra run is classified — after a worker crash
 * (allowed), after a failed attempt, or the same attempt again — and runs of tasks the API
 * refused are counted, apart from those it answered as uncertain or not at all.
 *
 * @example
 * const result = judgeTasks(batches, cutoff, runs, completed, killedWorkers)
 */
export function judgeTasks(
  ledger: BatchLedger,
  cutoff: number,
  runs: readonly RunRow[],
  completed: ReadonlySet<string>,
  killed: readonly KilledWorker[],
): TaskResult {
  const all = [...ledger.batches.values()]
  const refused: Record<string, number> = {}
  for (const batch of all) {
    if (batch.status === undefined || batch.status === 202) continue
    const key = batch.error ? `${batch.status} ${batch.error}` : String(batch.status)
    refused[key] = (refused[key] ?? 0) + 1
  }
  const checkedBatches = ledger.accepted(cutoff)
  const checkedIds = new Set(checkedBatches.map((batch) => batch.id))
  const laterBatches = ledger.accepted().filter((batch) => !checkedIds.has(batch.id))
  const lost = checkedBatches.flatMap(taskIds).filter((id) => !completed.has(id))
  const laterIds = laterBatches.flatMap(taskIds)

  const result: TaskResult = {
    batches: {
      issued: all.length,
      accepted: ledger.accepted().length,
      refused,
      unanswered: all.filter((batch) => batch.status === undefined).length,
    },
    accepted: ledger.accepted().reduce((sum, batch) => sum + (batch.enqueued ?? 0), 0),
    checked: checkedBatches.reduce((sum, batch) => sum + (batch.enqueued ?? 0), 0),
    completedChecked: checkedBatches.flatMap(taskIds).filter((id) => completed.has(id)).length,
    lost: lost.length,
    lostExamples: lost.slice(0, 10),
    acceptedAfterCutoff: laterIds.length,
    completedAfterCutoff: laterIds.filter((id) => completed.has(id)).length,
    runs: runs.length,
    tasksRunMoreThanOnce: 0,
    rerunsAfterWorkerCrash: 0,
    rerunsAfterFailedAttempt: 0,
    rerunsSameAttempt: 0,
    rerunExamples: [],
    runsOfRefusedEnqueues: 0,
    runsOfUncertainEnqueues: 0,
    runsOfUnansweredEnqueues: 0,
  }

  const byJob = new Map<string, RunRow[]>()
  for (const run of runs) {
    const list = byJob.get(run.jobId) ?? []
    list.push(run)
    byJob.set(run.jobId, list)
    const batch = ledger.batches.get(run.batchId)
    // Only the edge load's batch, always refused with 403, is missing from the ledger.
    if (!batch) result.runsOfRefusedEnqueues++
    else if (batch.status === undefined) result.runsOfUnansweredEnqueues++
    else if (batch.status !== 202 && batch.error?.includes('UNCERTAIN'))
      result.runsOfUncertainEnqueues++
    else if (batch.status !== 202) result.runsOfRefusedEnqueues++
  }
  for (const [jobId, list] of byJob) {
    if (list.length < 2) continue
    result.tasksRunMoreThanOnce++
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1]!
      const rerun = list[i]!
      // The database's clock and ours are the same machine's; a second covers rounding.
      const crashed = killed.some(
        (k) => k.instance === previous.worker && k.at >= previous.ranAt - 1_000,
      )
      if (crashed) result.rerunsAfterWorkerCrash++
      else if ((rerun.attempt ?? 0) > (previous.attempt ?? 0)) result.rerunsAfterFailedAttempt++
      else result.rerunsSameAttempt++
      if (!crashed && result.rerunExamples.length < 10)
        result.rerunExamples.push(
          `${jobId}: attempt ${previous.attempt} on ${previous.worker}, then attempt ${rerun.attempt} on ${rerun.worker} ${rerun.ranAt - previous.ranAt} ms later`,
        )
    }
  }
  return result
}
