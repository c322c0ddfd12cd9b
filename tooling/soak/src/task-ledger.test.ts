import { describe, expect, it } from 'vitest'
import { BatchLedger } from './batch-ledger.js'
import { judgeTasks, type RunRow } from './task-ledger.js'

function ledger() {
  const batches = new BatchLedger('s', 2)
  const accepted = batches.issue()
  batches.answer(accepted, 202, JSON.stringify({ batchId: accepted, enqueued: 2 }))
  const refused = batches.issue()
  batches.answer(refused, 503, '{}')
  return { batches, accepted, refused }
}

const run = (
  id: number,
  jobId: string,
  worker: string,
  attempt: number,
  ranAt: number,
): RunRow => ({
  id,
  jobId,
  batchId: jobId.slice(0, jobId.lastIndexOf('-')),
  worker,
  attempt,
  ranAt,
})

describe('judgeTasks', () => {
  it('counts an acknowledged task without a result as lost', () => {
    const { batches, accepted } = ledger()
    const result = judgeTasks(batches, Infinity, [], new Set([`${accepted}-1`]), [])
    expect(result).toMatchObject({ checked: 2, completedChecked: 1, lost: 1 })
    expect(result.lostExamples).toEqual([`${accepted}-2`])
  })

  it('allows a rerun after its worker was SIGKILLed and flags one on a live worker', () => {
    const { batches, accepted } = ledger()
    const runs = [
      run(1, `${accepted}-1`, 'vm:1', 1, 1_000),
      run(2, `${accepted}-1`, 'vm:2', 1, 12_000),
      run(3, `${accepted}-2`, 'vm:2', 1, 13_000),
      run(4, `${accepted}-2`, 'vm:3', 1, 14_000),
    ]
    const killed = [{ instance: 'vm:1', at: 1_500 }]
    const result = judgeTasks(batches, Infinity, runs, new Set(), killed)
    expect(result).toMatchObject({
      rerunsAfterWorkerCrash: 1,
      rerunsSameAttempt: 1,
      tasksRunMoreThanOnce: 2,
    })
  })

  it('counts runs of a refused enqueue apart from those of an uncertain one', () => {
    const { batches } = ledger()
    const uncertain = batches.issue()
    batches.answer(uncertain, 503, JSON.stringify({ error: { code: 'E_TASKS_ENQUEUE_UNCERTAIN' } }))
    const result = judgeTasks(
      batches,
      Infinity,
      [run(1, `${uncertain}-1`, 'vm:1', 1, 1)],
      new Set(),
      [],
    )
    expect(result).toMatchObject({ runsOfRefusedEnqueues: 0, runsOfUncertainEnqueues: 1 })
  })

  it('counts runs of a task whose enqueue was refused', () => {
    const { batches, refused } = ledger()
    const result = judgeTasks(
      batches,
      Infinity,
      [run(1, `${refused}-1`, 'vm:1', 1, 1)],
      new Set(),
      [],
    )
    expect(result.runsOfRefusedEnqueues).toBe(1)
    expect(result.batches.refused).toEqual({ '503': 1 })
  })
})
