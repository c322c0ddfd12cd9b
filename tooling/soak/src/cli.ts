// `pnpm soak [--duration 10m] [--report file] [--seed n] [--fault-every 60s] [--pg-restart] …`:
// runs the soak (see docs/reliability.md), prints the report and exits 1 when a criterion fails,
// 2 when the run itself broke. SIGINT stops and removes everything it started.
import { parseArgs } from 'node:util'
import { renderMarkdown, writeReport } from './report.js'
import { runSoak } from './run-soak.js'

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'fault-every': { type: 'string' },
    'pg-restart': { type: 'boolean' },
    seed: { type: 'string' },
    grace: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string' },
    'exit-deadline': { type: 'string' },
    'staleness-bound': { type: 'string' },
    'drain-timeout': { type: 'string' },
    memory: { type: 'string' },
    report: { type: 'string' },
  },
  strict: true,
})

const aborting = new AbortController()
process.once('SIGINT', () => {
  process.stderr.write('soak: SIGINT, stopping everything it started (again to exit at once)\n')
  aborting.abort()
  // A second SIGINT exits now; the supervisor's exit hook still SIGKILLs every child.
  process.once('SIGINT', () => process.exit(130))
})
process.once('SIGTERM', () => aborting.abort())

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value))

try {
  const report = await runSoak({
    duration: values.duration,
    warmup: values.warmup,
    faultEvery: values['fault-every'],
    pgRestart: values['pg-restart'],
    seed: number(values.seed),
    grace: values.grace,
    rate: number(values.rate),
    connections: number(values.connections),
    exitDeadline: values['exit-deadline'],
    stalenessBound: values['staleness-bound'],
    drainTimeout: values['drain-timeout'],
    memory: values.memory as 'enforce' | 'report' | undefined,
    signal: aborting.signal,
  })
  process.stdout.write(`\n${renderMarkdown(report)}\n`)
  if (values.report) {
    const files = writeReport(report, values.report)
    process.stdout.write(`soak: report in ${files.md} and ${files.json}\n`)
  }
  const failed = report.criteria.filter((c) => c.enforced && !c.passed)
  process.stdout.write(
    failed.length === 0
      ? `soak: PASS (seed ${report.seed})\n`
      : `soak: FAIL (seed ${report.seed}): ${failed.map((c) => c.name).join('; ')}\n`,
  )
  process.exitCode = failed.length === 0 ? 0 : 1
} catch (error) {
  if (aborting.signal.aborted) {
    process.stderr.write(
      'soak: aborted; every process it started is stopped, its Redis and database removed\n',
    )
    process.exitCode = 130
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    process.stderr.write(`soak: ${text}\n`)
    process.exitCode = 2
  }
}
