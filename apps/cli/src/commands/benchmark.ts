import { randomBytes } from 'node:crypto'
import { Option, type Command } from 'commander'
import type { BiPerfConfig, Optimizer } from '@bi-perf/core'
import { version } from '../version.js'
import { compareReports, renderComparison, type Comparison } from '../bench/compare.js'
import {
  machineInfo,
  readReport,
  writeReport,
  benchSuites,
  type BenchReport,
  type BenchSuite,
} from '../bench/report.js'
import type { BeforeAfter, SuiteDefinition, SuiteOutcome } from '../bench/suite.js'
import { createContext, type CommandContext } from '../context.js'
import { CheckFailedError, UsageError } from '../errors.js'
import { formatChange, formatValue } from '../ui/format.js'
import { listParser, parseDurationOption, parsePercentOption } from '../option-parsers.js'
import { createProgress } from '../ui/progress-bar.js'
import type { Style } from '../ui/style.js'
import { renderTable } from '../ui/table.js'
import type { CommandEnv } from './command-env.js'

interface BenchmarkOptions {
  suite: BenchSuite[]
  out?: string
  compare?: string
  maxRegression?: number
  duration: number
  json?: boolean
}

async function loadSuites(names: readonly BenchSuite[]): Promise<SuiteDefinition[]> {
  const modules = {
    cache: async () => (await import('../bench/cache.js')).cacheSuite,
    db: async () => (await import('../bench/db.js')).dbSuite,
    tasks: async () => (await import('../bench/tasks.js')).tasksSuite,
    api: async () => (await import('../bench/api.js')).apiSuite,
  } satisfies Record<BenchSuite, () => Promise<SuiteDefinition>>
  return Promise.all(names.map((name) => modules[name]()))
}

function renderResults(report: BenchReport, style: Style): string[] {
  return renderTable(
    [
      { header: 'suite' },
      { header: 'name' },
      { header: 'value', align: 'right' },
      { header: 'better' },
    ],
    report.results.map((result) => [
      result.suite,
      result.name,
      style.bold(formatValue(result.value, result.unit)),
      style.dim(result.higherIsBetter ? 'higher' : 'lower'),
    ]),
    { header: style.dim },
  )
}

function renderBeforeAfter(pairs: readonly BeforeAfter[], style: Style): string[] {
  if (pairs.length === 0) return []
  return [
    '',
    ...renderTable(
      [
        { header: 'before / after' },
        { header: 'before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'gain', align: 'right' },
      ],
      pairs.map(({ title, before, after }) => {
        const gain = before.result.higherIsBetter
          ? after.result.value / before.result.value
          : before.result.value / after.result.value
        return [
          title,
          `${before.label} ${formatValue(before.result.value, before.result.unit)}`,
          `${after.label} ${formatValue(after.result.value, after.result.unit)}`,
          style.green(Number.isFinite(gain) ? `${gain.toFixed(1)}×` : '–'),
        ]
      }),
      { header: style.dim },
    ),
  ]
}

async function runSuites(
  context: CommandContext,
  suites: readonly SuiteDefinition[],
  options: BenchmarkOptions,
): Promise<{ report: BenchReport; beforeAfter: BeforeAfter[]; notes: string[] }> {
  const needsLocal = suites.some((suite) => suite.suite !== 'api')
  const { openLocalSource, loadCore } = await import('../local-source.js')
  const { loadLocalConfig } = await import('../local-config.js')
  const local = needsLocal ? await openLocalSource(context.local) : undefined
  const started: Optimizer[] = []
  const progress = createProgress(
    context.io.stderr,
    suites.reduce((sum, suite) => sum + suite.steps.length, 0),
  )
  const outcomes: { suite: BenchSuite; outcome: SuiteOutcome }[] = []
  try {
    const config: BiPerfConfig = local?.config ?? (await loadLocalConfig(context.local))
    const core = await loadCore()
    const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    for (const suite of suites) {
      const outcome = await suite.run({
        config,
        optimizer: local?.optimizer,
        async startOptimizer(settings) {
          const optimizer = await core.createOptimizer(settings)
          started.push(optimizer)
          optimizer.on('error', () => {})
          await optimizer.start()
          return optimizer
        },
        api: context.url === undefined ? undefined : context.api(),
        durationMs: options.duration,
        progress,
        runId,
      })
      for (const note of outcome.notes) progress.log(context.errStyle.dim(note))
      if (outcome.skipped)
        progress.log(context.errStyle.dim(`${suite.suite} skipped: ${outcome.skipped}`))
      outcomes.push({ suite: suite.suite, outcome })
    }
  } finally {
    progress.done()
    await Promise.all(started.map((optimizer) => optimizer.stop({ timeout: 5000 })))
    await local?.close()
  }
  const skipped = outcomes.flatMap(({ suite, outcome }) =>
    outcome.skipped ? [{ suite, reason: outcome.skipped }] : [],
  )
  return {
    report: {
      version,
      machine: machineInfo(),
      date: new Date().toISOString(),
      results: outcomes.flatMap(({ outcome }) => outcome.results),
      ...(skipped.length > 0 ? { skipped } : {}),
    },
    beforeAfter: outcomes.flatMap(({ outcome }) => outcome.beforeAfter),
    notes: outcomes.flatMap(({ outcome }) => outcome.notes),
  }
}

function regressionMessage(comparison: Comparison): string {
  const list = comparison.regressions
    .map((item) => `${item.suite}/${item.name} ${formatChange(item.changePercent)}`)
    .join(', ')
  const count = comparison.regressions.length
  return `${count} ${count === 1 ? 'result' : 'results'} regressed beyond ${comparison.maxRegressionPercent}%: ${list}`
}

/**
 * `benchmark`: runs the cache, db, tasks and api suites (a few seconds each) with a progress bar,
 * prints the results and a before/after table, writes the JSON report with `--out`, and with
 * `--compare base.json` exits 1 when a result regressed beyond `--max-regression`.
 *
 * @example
 * registerBenchmarkCommand(program, { io, state })
 */
export function registerBenchmarkCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('benchmark')
    .description('run the benchmark suites; with --compare, fail on a regression beyond the limit')
    .addOption(
      new Option('--suite <list>', `comma-separated suites: ${benchSuites.join(', ')}`)
        .argParser(listParser(benchSuites))
        .default([...benchSuites], benchSuites.join(',')),
    )
    .option('--out <file>', 'write the JSON report to this file')
    .option('--compare <base.json>', 'compare with a report written by --out')
    .addOption(
      new Option(
        '--max-regression <percent>',
        'largest regression --compare accepts, e.g. 10%',
      ).argParser(parsePercentOption),
    )
    .addOption(
      new Option('--duration <duration>', 'how long each measurement runs')
        .argParser(parseDurationOption)
        .default(1500, '1.5s'),
    )
    .option('--json', 'print the report (and the comparison) as one JSON document')
    .addHelpText(
      'after',
      `
Suites run in this process against the configured services (see status): cache (L1 hit, and
Redis get when redis.url is set), db (a dashboard aggregate cold vs cached; PGlite without
database.url), tasks (no-op tasks drained per second on a private queue of the configured
backend), api (GET /performance/status req/s and p99, only with --url). Everything a suite
creates (keys, a table, a queue) is removed afterwards.

Exit code: 0, or 1 when --compare finds a regression beyond --max-regression (default 10%);
results missing on either side are listed and do not fail. 2 on a usage error.`,
    )
    .action(async (options: BenchmarkOptions, command: Command) => {
      const context = createContext(command, env.io, env.state)
      if (options.maxRegression !== undefined && options.compare === undefined) {
        throw new UsageError('--max-regression needs --compare <base.json>')
      }
      const baseline = options.compare === undefined ? undefined : await readReport(options.compare)
      const suites = await loadSuites(options.suite)
      const { report, beforeAfter } = await runSuites(context, suites, options)
      if (options.out !== undefined) await writeReport(options.out, report)
      const comparison = baseline
        ? compareReports(baseline, report, options.maxRegression ?? 10)
        : undefined

      if (options.json) {
        context.printJson(comparison ? { ...report, comparison } : report)
      } else {
        const style = context.style
        const lines =
          report.results.length > 0
            ? renderResults(report, style)
            : ['no results: every suite was skipped']
        lines.push(...renderBeforeAfter(beforeAfter, style))
        if (comparison) lines.push('', ...renderComparison(comparison, style))
        context.print(lines)
        if (options.out !== undefined) context.note(`report written to ${options.out}`)
      }
      if (comparison && comparison.regressions.length > 0) {
        throw new CheckFailedError(regressionMessage(comparison))
      }
    })
}
