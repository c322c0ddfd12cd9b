import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What one idle child measured about itself. */
interface ChildReport {
  mode: string
  wallMs: number
  cpuMs: number
  cpuPercent: number
  samples: number
  selfReportedPercent?: number
  collectMs?: number
}

const CONTENDERS: { mode: string; label: string }[] = [
  { mode: 'idle', label: 'idle Node process (baseline)' },
  { mode: 'monitor-1s', label: 'bi-perf monitor, 1 s' },
  { mode: 'monitor-100ms', label: 'bi-perf monitor, 100 ms' },
  { mode: 'monitor-1s-scraped', label: 'bi-perf monitor, 1 s + registerPrometheus scraped 1/s' },
  { mode: 'monitor-1s-eld-50ms', label: 'bi-perf monitor, 1 s, loop-delay resolution 50 ms' },
  {
    mode: 'prom-client-defaults-scraped',
    label: 'prom-client collectDefaultMetrics scraped 1/s',
  },
  // The baseline again: how much an idle process varies from run to run (V8's background GC
  // work differs), the noise floor of every difference above.
  { mode: 'idle', label: 'idle Node process (baseline, again)' },
]

function runChild(mode: string, seconds: number): Promise<ChildReport> {
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
 * CPU cost of monitoring an otherwise idle process: one child per contender, one after another
 * (never in parallel, so they do not compete for the two cores), each measuring its own CPU
 * time over `seconds` after a warm-up.
 */
export async function overheadBench(
  seconds = 30,
): Promise<{ text: string; at1s: number; at100ms: number }> {
  const reports: ChildReport[] = []
  for (const { mode } of CONTENDERS) {
    process.stdout.write(`  overhead: ${mode} for ${seconds} s… `)
    const report = await runChild(mode, seconds)
    console.log(`${report.cpuPercent.toFixed(3)} % of a core`)
    reports.push(report)
  }
  const idleRuns = reports.filter((report) => report.mode === 'idle')
  const idle = {
    cpuPercent: idleRuns.reduce((sum, run) => sum + run.cpuPercent, 0) / idleRuns.length,
    cpuMs: idleRuns.reduce((sum, run) => sum + run.cpuMs, 0) / idleRuns.length,
  }
  const rows = reports.map((report, index) => {
    const extra = report.cpuPercent - idle.cpuPercent
    const perSample = report.samples > 0 ? ((report.cpuMs - idle.cpuMs) * 1000) / report.samples : 0
    return `| ${[
      CONTENDERS[index]!.label,
      report.cpuPercent.toFixed(3),
      report.mode === 'idle' ? '–' : extra.toFixed(3),
      report.samples > 0 ? perSample.toFixed(0) : '–',
      report.selfReportedPercent === undefined ? '–' : report.selfReportedPercent.toFixed(3),
      report.collectMs === undefined ? '–' : report.collectMs.toFixed(2),
    ].join(' | ')} |`
  })
  const text = [
    `### Overhead on an idle process (${seconds} s per contender, CPU time from process.cpuUsage())`,
    '',
    `Δ is against the mean of the two idle runs (${idleRuns.map((run) => run.cpuPercent.toFixed(3)).join(' % and ')} %).`,
    '',
    '| contender | CPU % of one core | Δ vs idle | Δ CPU µs per sample (histogram included) | self-reported monitor.cpuPercent | wall ms per collection |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
  console.log(text)
  const extraOf = (mode: string) =>
    reports.find((report) => report.mode === mode)!.cpuPercent - idle.cpuPercent
  return { text, at1s: extraOf('monitor-1s'), at100ms: extraOf('monitor-100ms') }
}
