import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { median } from '@bi-perf/bench'

/** What one idle child measured about itself. */
export interface ChildReport {
  mode: string
  wallMs: number
  cpuMs: number
  cpuPercent: number
  samples: number
  selfReportedPercent?: number
  collectMs?: number
}

/** One contender's runs and their median, with the idle baseline subtracted. */
export interface ContenderResult {
  mode: string
  label: string
  runs: ChildReport[]
  /** Median CPU % of one core over the runs. */
  cpuPercent: number
  /** `cpuPercent` minus the idle baseline's median; 0 for the baseline itself. */
  extraPercent: number
  /** Median extra CPU µs per sample (idle baseline taken out); 0 without samples. */
  extraMicrosPerSample: number
  selfReportedPercent: number | undefined
  collectMs: number | undefined
}

/** Everything one overhead measurement produced. */
export interface OverheadResult {
  seconds: number
  rounds: number
  contenders: ContenderResult[]
  /** The 1-minute load average before and after the measurement. */
  load: { before: number; after: number }
  /** Δ of a mode, in percent of one core. */
  extraOf(mode: string): number
}

export const BASELINE_MODE = 'idle'

export const CONTENDERS: { mode: string; label: string }[] = [
  { mode: BASELINE_MODE, label: 'idle Node process (baseline)' },
  { mode: 'monitor-1s', label: 'bi-perf monitor, 1 s (defaults)' },
  { mode: 'monitor-1s-eld-20ms', label: 'bi-perf monitor, 1 s, loop-delay resolution 20 ms' },
  { mode: 'monitor-100ms', label: 'bi-perf monitor, 100 ms' },
  { mode: 'monitor-1s-scraped', label: 'bi-perf monitor, 1 s + registerPrometheus scraped 1/s' },
  {
    mode: 'prom-client-defaults-scraped',
    label: 'prom-client collectDefaultMetrics scraped 1/s',
  },
]

/** Runs one idle child of `idle-child.mjs` in `mode` for `seconds` and returns its report. */
export function runChild(mode: string, seconds: number): Promise<ChildReport> {
  const script = fileURLToPath(new URL('./idle-child.mjs', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, mode, String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${mode} child exited with ${code}`))
      else resolve(JSON.parse(stdout) as ChildReport)
    })
  })
}

/**
 * CPU cost of monitoring an otherwise idle process: one child per contender and round, one after
 * another (never in parallel, so they do not compete for the cores). Rounds interleave the
 * contenders, so a noisy minute on a shared machine hits every contender rather than one; each
 * contender's figure is the median of its rounds, minus the median of the idle baseline.
 */
export async function measureOverhead({
  seconds = 30,
  rounds = 3,
  contenders = CONTENDERS,
  log = (line: string) => console.log(line),
}: {
  seconds?: number
  rounds?: number
  contenders?: readonly { mode: string; label: string }[]
  log?: (line: string) => void
} = {}): Promise<OverheadResult> {
  if (!contenders.some((contender) => contender.mode === BASELINE_MODE)) {
    throw new Error(`contenders must include the '${BASELINE_MODE}' baseline`)
  }
  const loadBefore = loadavg()[0]!
  const runs = new Map<string, ChildReport[]>(contenders.map(({ mode }) => [mode, []]))
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order so no contender always runs right after a warm-up of the machine.
    const order = round % 2 === 1 ? contenders : [...contenders].reverse()
    for (const { mode } of order) {
      const report = await runChild(mode, seconds)
      runs.get(mode)!.push(report)
      log(
        `  overhead round ${round}/${rounds}: ${mode} ${report.cpuPercent.toFixed(3)} % of a core (load ${loadavg()[0]!.toFixed(2)})`,
      )
    }
  }
  const idleRuns = runs.get(BASELINE_MODE)!
  const idlePercent = median(idleRuns.map((run) => run.cpuPercent))
  const idleCpuMsPerSecond = median(idleRuns.map((run) => run.cpuMs / run.wallMs))
  const results = contenders.map(({ mode, label }): ContenderResult => {
    const reports = runs.get(mode)!
    const cpuPercent = median(reports.map((run) => run.cpuPercent))
    const optional = (values: (number | undefined)[]) => {
      const present = values.filter((value): value is number => value !== undefined)
      return present.length > 0 ? median(present) : undefined
    }
    return {
      mode,
      label,
      runs: reports,
      cpuPercent,
      extraPercent: mode === BASELINE_MODE ? 0 : cpuPercent - idlePercent,
      extraMicrosPerSample: median(
        reports.map((run) =>
          run.samples > 0
            ? ((run.cpuMs - idleCpuMsPerSecond * run.wallMs) * 1000) / run.samples
            : 0,
        ),
      ),
      selfReportedPercent: optional(reports.map((run) => run.selfReportedPercent)),
      collectMs: optional(reports.map((run) => run.collectMs)),
    }
  })
  return {
    seconds,
    rounds,
    contenders: results,
    load: { before: loadBefore, after: loadavg()[0]! },
    extraOf(mode) {
      const found = results.find((result) => result.mode === mode)
      if (!found) throw new Error(`no contender '${mode}' in this measurement`)
      return found.extraPercent
    },
  }
}

/** The overhead table in Markdown, each contender's runs beside its median. */
export function renderOverhead(result: OverheadResult): string {
  const idle = result.contenders.find((contender) => contender.mode === BASELINE_MODE)!
  const rows = result.contenders.map((contender) => {
    const isBaseline = contender.mode === BASELINE_MODE
    return `| ${[
      contender.label,
      contender.runs.map((run) => run.cpuPercent.toFixed(3)).join(', '),
      contender.cpuPercent.toFixed(3),
      isBaseline ? '–' : contender.extraPercent.toFixed(3),
      isBaseline ? '–' : contender.extraMicrosPerSample.toFixed(0),
      contender.selfReportedPercent === undefined ? '–' : contender.selfReportedPercent.toFixed(3),
      contender.collectMs === undefined ? '–' : contender.collectMs.toFixed(2),
    ].join(' | ')} |`
  })
  return [
    `### Overhead on an idle process (${result.rounds} interleaved rounds × ${result.seconds} s per contender, CPU time from process.cpuUsage())`,
    '',
    `Δ is the contender's median minus the idle baseline's median (${idle.cpuPercent.toFixed(3)} %). Load average (1 min) ${result.load.before.toFixed(2)} before, ${result.load.after.toFixed(2)} after.`,
    '',
    '| contender | CPU % of one core, each run | median | Δ vs idle | Δ CPU µs per sample (histogram included) | self-reported monitor.cpuPercent | wall ms per collection |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}

/** Measures with the package's contenders and prints the table; what `pnpm bench` runs. */
export async function overheadBench(
  seconds = 30,
  rounds = 3,
): Promise<{ text: string; at1s: number; at100ms: number }> {
  const result = await measureOverhead({ seconds, rounds })
  const text = renderOverhead(result)
  console.log(text)
  return { text, at1s: result.extraOf('monitor-1s'), at100ms: result.extraOf('monitor-100ms') }
}
