// `pnpm --filter @bi-perf/core bench:forecast`: replays the recorded traces through the forecaster
// and a naive baseline and prints the error table for docs/benchmarks.md.
// `pnpm --filter @bi-perf/core bench:forecast -- --record` first records fresh traces (about
// six minutes: a file filled to a 200 MiB quota in os.tmpdir(), a heap leaking in a child until it
// dies, a task backlog that grows and drains) into test/fixtures/forecast-traces.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { machine } from '@bi-perf/bench'
import { backtest, renderBacktest } from './forecast-backtest-eval.js'
import type { TraceFile } from './forecast-backtest-eval.js'
import { recordBacklog, recordDiskFill, recordHeapLeak } from './forecast-traces.js'

const FIXTURE = new URL('../test/fixtures/forecast-traces.json', import.meta.url)

/** JSON as Prettier lays it out: two-space indent, each `[ms, value]` pair on one line. */
function serialize(file: TraceFile): string {
  const json = JSON.stringify(file, null, 2).replace(
    /\[\n\s+(-?[\d.e+-]+),\n\s+(-?[\d.e+-]+)\n\s+\]/g,
    '[$1, $2]',
  )
  return `${json}\n`
}

const recorders = { disk: recordDiskFill, heap: recordHeapLeak, backlog: recordBacklog }
// `--record` records every trace; `--record=heap` (or disk, backlog) re-records one in place.
const record = process.argv.find((argument) => argument.startsWith('--record'))
if (record !== undefined) {
  const only = record.split('=')[1] as keyof typeof recorders | undefined
  const names = only === undefined ? (Object.keys(recorders) as (keyof typeof recorders)[]) : [only]
  console.log(`recording ${names.join(', ')} (about 6 min)…`)
  const fresh = await Promise.all(names.map((name) => recorders[name]()))
  const previous =
    only === undefined ? [] : (JSON.parse(readFileSync(FIXTURE, 'utf8')) as TraceFile).traces
  const traces = ['disk-fill', 'heap-leak', 'backlog-drain'].flatMap((name) => {
    const trace =
      fresh.find((entry) => entry.name === name) ?? previous.find((entry) => entry.name === name)
    return trace ? [trace] : []
  })
  const file: TraceFile = { recordedAt: new Date().toISOString(), machine: machine(), traces }
  writeFileSync(FIXTURE, serialize(file))
  for (const trace of fresh) {
    console.log(
      `${trace.name}: ${trace.points.length} points, exhausted at ${trace.exhaustedAtMs} ms`,
    )
  }
}

const file = JSON.parse(readFileSync(FIXTURE, 'utf8')) as TraceFile
console.log(`forecast backtest — traces recorded ${file.recordedAt} on ${file.machine}\n`)
console.log(renderBacktest(backtest(file.traces)).join('\n'))
