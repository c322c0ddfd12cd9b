import { mkdtempSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from '@bi-perf/bench'
import { timeChild, type ChildRun } from './time-child.js'

// Start-up of the CLI's local mode, in child processes: wall time, peak RSS and the longest
// event-loop block of each command, next to a bare `node -e 0`. Run after `pnpm build`:
//   pnpm --filter @bi-perf/cli bench     (BENCH_RUNS=20 for more runs, BENCH_BIN=… another build)
// Each command runs in an empty directory with no service configured, as on a laptop without
// bi-perf.yaml; the targets are status --json < 500 ms and the monitor's first frame < 1 s.

// BENCH_BIN measures another build of the executable (e.g. one of main) under the same conditions.
const bin = process.env.BENCH_BIN ?? join(import.meta.dirname, '../dist/bi-performance.js')
const runs = Number(process.env.BENCH_RUNS ?? 10)
const cwd = mkdtempSync(join(tmpdir(), 'bi-perf-cli-bench-'))
// Only what finding node needs: no REDIS_URL, DATABASE_URL or BI_PERF_* of the shell.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() }

interface Case {
  name: string
  args: readonly string[]
  untilFirstOutput?: boolean
  /** Wall-time target, ms. */
  targetMs?: number
}

const CASES: readonly Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'bi-performance --help', args: [bin, '--help'] },
  { name: 'status --json (local)', args: [bin, 'status', '--json'], targetMs: 500 },
  { name: 'metrics --json (local)', args: [bin, 'metrics', '--json'] },
  { name: 'recommendations (local)', args: [bin, 'recommendations'] },
  {
    name: 'monitor: first frame (local)',
    args: [bin, 'monitor'],
    untilFirstOutput: true,
    targetMs: 1000,
  },
]

const ms = (value: number) => `${Math.round(value)} ms`
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`

async function measure(testCase: Case): Promise<ChildRun[]> {
  const options = { args: testCase.args, cwd, env, untilFirstOutput: testCase.untilFirstOutput }
  await timeChild(options) // warm the file cache; not counted
  const results: ChildRun[] = []
  // One at a time: parallel children would measure each other.
  for (let index = 0; index < runs; index++) results.push(await timeChild(options))
  return results
}

const rows: string[] = []
for (const testCase of CASES) {
  const results = await measure(testCase)
  const wall = results.map((result) => result.wallMs)
  const wallMedian = median(wall)
  // Each run's longest block; on a busy machine a run that was descheduled shows as one.
  const blocks = results.map((result) => result.maxLoopBlockMs)
  const target =
    testCase.targetMs === undefined
      ? ''
      : `${wallMedian < testCase.targetMs ? 'met' : 'MISSED'} (< ${ms(testCase.targetMs)})`
  rows.push(
    `| ${testCase.name} | ${ms(wallMedian)} | ${ms(Math.min(...wall))} | ${ms(Math.max(...wall))} | ${mib(median(results.map((result) => result.maxRssBytes)))} | ${ms(median(blocks))} / ${ms(Math.max(...blocks))} | ${target} |`,
  )
  console.error(`done: ${testCase.name}`)
}

const cpu = cpus()
console.log(
  `CLI local-mode start-up of ${bin} — ${runs} runs each, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')} at the end\n`,
)
console.log(
  '| command | median | min | max | peak RSS (median) | longest loop block (median / max) | target |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |')
for (const row of rows) console.log(row)
