import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { backtest } from '../bench/forecast-backtest-eval.js'
import type { TraceFile } from '../bench/forecast-backtest-eval.js'

// Traces recorded by `pnpm --filter @bi-perf/core bench:forecast -- --record` (a disk file filled
// to a quota, a heap leaking in a child until it died, a task backlog growing then draining).
const file = JSON.parse(
  readFileSync(new URL('./fixtures/forecast-traces.json', import.meta.url), 'utf8'),
) as TraceFile

/** Worst mean absolute percentage error allowed on any recorded trace. */
const MAX_MAPE = 0.3

describe('forecast backtest on recorded traces', () => {
  const scores = backtest(file.traces)

  it('covers the disk, heap and backlog traces with several forecasts each', () => {
    expect(scores.map((score) => score.trace)).toEqual(['disk-fill', 'heap-leak', 'backlog-drain'])
    for (const score of scores) expect(score.cuts).toBeGreaterThanOrEqual(4)
  })

  it.each(['disk-fill', 'heap-leak', 'backlog-drain'])(
    'beats the last-two-points baseline on %s, within the error bound',
    (name) => {
      const score = scores.find((entry) => entry.trace === name)!
      expect(score.ours.mape).toBeLessThan(score.naive.mape)
      expect(score.ours.mape).toBeLessThan(MAX_MAPE)
    },
  )
})
