import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { UsageError } from '../errors.js'

/** The suites `benchmark --suite` accepts. */
export const benchSuites = ['cache', 'db', 'tasks', 'api'] as const

/** One suite of the benchmark. */
export type BenchSuite = (typeof benchSuites)[number]

/** One measured figure. Results are matched across reports by `suite` + `name`. */
export interface BenchResult {
  suite: BenchSuite
  /** e.g. `l1-hit`, `dashboard-cached`. */
  name: string
  /** `ops/s`, `req/s`, `tasks/s`, `ms`… */
  unit: string
  value: number
  /** Whether a larger value is better (throughput) or worse (latency). */
  higherIsBetter: boolean
}

/** Where the benchmark ran. */
export interface BenchMachine {
  cpu: string
  cores: number
  memoryBytes: number
  platform: string
  arch: string
  node: string
}

/** The JSON document `benchmark --out` writes and `--compare` reads. */
export interface BenchReport {
  /** Version of @bi-perf/cli that ran it. */
  version: string
  machine: BenchMachine
  /** ISO 8601. */
  date: string
  results: BenchResult[]
  /** Suites that did not run, with why (e.g. `api: no --url`). Absent from older reports. */
  skipped?: { suite: BenchSuite; reason: string }[]
}

/** The machine this process runs on. */
export function machineInfo(): BenchMachine {
  const list = cpus()
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  }
}

function isResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const result = value as Record<string, unknown>
  return (
    typeof result.suite === 'string' &&
    typeof result.name === 'string' &&
    typeof result.unit === 'string' &&
    typeof result.value === 'number' &&
    Number.isFinite(result.value) &&
    typeof result.higherIsBetter === 'boolean'
  )
}

/**
 * Reads a report written by `benchmark --out`, checking its shape (exit 2 on a bad file).
 *
 * @example
 * const base = await readReport('bench/base.json')
 */
export async function readReport(file: string): Promise<BenchReport> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      `cannot read the baseline ${file}: ${code === 'ENOENT' ? 'no such file' : String(code)} — write one with benchmark --out`,
      { cause: error },
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`the baseline ${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const report = parsed as Partial<BenchReport> | null
  if (typeof report !== 'object' || report === null || !Array.isArray(report.results)) {
    throw new UsageError(
      `the baseline ${file} is not a benchmark report: expected { version, machine, date, results: [...] }`,
    )
  }
  const bad = report.results.findIndex((result) => !isResult(result))
  if (bad !== -1) {
    throw new UsageError(
      `the baseline ${file} has an invalid results[${bad}]: expected { suite, name, unit, value, higherIsBetter }`,
    )
  }
  return report as BenchReport
}

/** Writes a report as pretty JSON. */
export async function writeReport(file: string, report: BenchReport): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  } catch (error) {
    throw new UsageError(
      `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    )
  }
}
