// The measurement itself lives with the monitor's benchmark (packages/monitor/bench), so the
// claim and `pnpm bench` in that package can never disagree on method.
import {
  measureOverhead,
  type OverheadResult,
} from '../../../../packages/monitor/bench/overhead.js'
import type { ClaimResult } from '../claim.js'

/**
 * "Monitoring at under 1 % overhead": the CPU time of an idle Node process with the monitor at
 * its defaults (1 s interval) minus that of the same process without it, medians of interleaved
 * rounds, from packages/monitor's overhead benchmark.
 */
export async function monitorOverheadClaim({
  seconds = 12,
  rounds = 3,
  log,
}: { seconds?: number; rounds?: number; log?: (line: string) => void } = {}): Promise<ClaimResult> {
  const result: OverheadResult = await measureOverhead({
    seconds,
    rounds,
    contenders: [
      { mode: 'idle', label: 'idle Node process (baseline)' },
      { mode: 'monitor-1s', label: 'bi-perf monitor, 1 s (defaults)' },
    ],
    log,
  })
  const figure = result.extraOf('monitor-1s')
  const rows = result.contenders.map(
    (contender) =>
      `| ${contender.label} | ${contender.runs.map((run) => run.cpuPercent.toFixed(3)).join(', ')} | ${contender.cpuPercent.toFixed(3)} |`,
  )
  return {
    claim: 'monitoring at under 1 % overhead',
    claimed: { kind: 'below', limit: 1, unit: '% of one core' },
    figure,
    how: `packages/monitor's overhead bench: idle Node process with vs without \`createMonitor({ interval: '1s' })\`, ${rounds} interleaved rounds × ${seconds} s, medians, baseline subtracted`,
    details: [
      `packages/monitor/bench/overhead.ts, as \`pnpm bench\` in that package runs it with more contenders: one child process per contender and round, one after another, each importing the built \`@bi-perf/monitor\` and prom-client, warming up 2 s, then reading its own \`process.cpuUsage()\` over ${seconds} s of otherwise idle time. ${rounds} interleaved rounds; the figure is the monitor's median minus the idle baseline's median, in percent of one core. Load average (1 min) ${result.load.before.toFixed(2)} before, ${result.load.after.toFixed(2)} after.`,
      '',
      '| contender | CPU % of one core, each run | median |',
      '| --- | --- | --- |',
      ...rows,
      '',
      `The monitor costs ${figure.toFixed(3)} % of one core on an idle process. On a busy one the same work is a smaller share: the cost is per sample, not per request.`,
    ],
  }
}
