import type { BenchReport, BenchResult } from './report.js'
import { formatChange, formatValue } from '../ui/format.js'
import type { Style } from '../ui/style.js'
import { renderTable } from '../ui/table.js'

/** One result compared with its baseline. */
export interface ComparedResult {
  suite: string
  name: string
  unit: string
  base: number
  current: number
  /** Change of the value in percent (positive: the value grew). */
  changePercent: number
  /** `regression` beyond the limit, `improvement` beyond it the good way, else `same`. */
  verdict: 'regression' | 'improvement' | 'same'
}

/** What {@link compareReports} found. */
export interface Comparison {
  maxRegressionPercent: number
  compared: ComparedResult[]
  regressions: ComparedResult[]
  /** `suite/name` of results only in the baseline. */
  missingInCurrent: string[]
  /** `suite/name` of results only in this run. */
  newInCurrent: string[]
}

const keyOf = (result: Pick<BenchResult, 'suite' | 'name'>) => `${result.suite}/${result.name}`

/**
 * Compares two reports result by result (matched on suite + name). A result regressed when it
 * moved the bad way (down for throughput, up for latency) by more than `maxRegressionPercent`.
 * Results present on one side only are listed, never counted as regressions.
 *
 * @example
 * const { regressions } = compareReports(base, current, 10)
 */
export function compareReports(
  base: Pick<BenchReport, 'results'>,
  current: Pick<BenchReport, 'results'>,
  maxRegressionPercent: number,
): Comparison {
  const baseline = new Map(base.results.map((result) => [keyOf(result), result]))
  const currentKeys = new Set(current.results.map(keyOf))
  const compared: ComparedResult[] = []
  const newInCurrent: string[] = []
  for (const result of current.results) {
    const before = baseline.get(keyOf(result))
    if (!before) {
      newInCurrent.push(keyOf(result))
      continue
    }
    const changePercent =
      before.value === 0
        ? result.value === 0
          ? 0
          : Number.POSITIVE_INFINITY
        : ((result.value - before.value) / before.value) * 100
    const worse = result.higherIsBetter ? -changePercent : changePercent
    const verdict =
      worse > maxRegressionPercent
        ? 'regression'
        : -worse > maxRegressionPercent
          ? 'improvement'
          : 'same'
    compared.push({
      suite: result.suite,
      name: result.name,
      unit: result.unit,
      base: before.value,
      current: result.value,
      changePercent,
      verdict,
    })
  }
  return {
    maxRegressionPercent,
    compared,
    regressions: compared.filter((item) => item.verdict === 'regression'),
    missingInCurrent: base.results.map(keyOf).filter((key) => !currentKeys.has(key)),
    newInCurrent,
  }
}

/** The comparison table and the lists of unmatched results. */
export function renderComparison(comparison: Comparison, style: Style): string[] {
  const paint = (item: ComparedResult) =>
    item.verdict === 'regression'
      ? style.red('regression')
      : item.verdict === 'improvement'
        ? style.green('improved')
        : 'ok'
  const lines = renderTable(
    [
      { header: 'suite' },
      { header: 'name' },
      { header: 'base', align: 'right' },
      { header: 'now', align: 'right' },
      { header: 'change', align: 'right' },
      { header: `verdict (limit ${comparison.maxRegressionPercent}%)` },
    ],
    comparison.compared.map((item) => [
      item.suite,
      item.name,
      formatValue(item.base, item.unit),
      formatValue(item.current, item.unit),
      formatChange(item.changePercent),
      paint(item),
    ]),
    { header: style.dim },
  )
  if (comparison.missingInCurrent.length > 0) {
    lines.push(style.yellow(`not measured in this run: ${comparison.missingInCurrent.join(', ')}`))
  }
  if (comparison.newInCurrent.length > 0) {
    lines.push(style.dim(`not in the baseline: ${comparison.newInCurrent.join(', ')}`))
  }
  return lines
}
