import type { HealthState } from '@bi-perf/core'
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRatio,
} from './format.js'
import { renderForecasts } from './forecast-view.js'
import type { KeyFigures } from '../key-figures.js'
import type { StatusReport } from '../source.js'
import type { Style } from './style.js'
import { renderTable } from './table.js'

/** Colours a health state: green ok, yellow degraded, red down. */
export function paintState(state: HealthState, style: Style): string {
  if (state === 'ok') return style.green(state)
  if (state === 'degraded') return style.yellow(state)
  return style.red(state)
}

function joined(parts: readonly (string | null)[]): string {
  return parts.filter((part): part is string => part !== null).join(' · ')
}

/** One line per component family with its key figures; components without figures are left out. */
export function figureLines(figures: KeyFigures, style: Style): string[] {
  const lines: [string, string][] = []
  if (figures.cacheHitRate !== null) {
    lines.push([
      'cache',
      joined([
        `hit rate ${formatRatio(figures.cacheHitRate)}`,
        figures.cacheL1Entries === null
          ? 'L1 off'
          : `L1 ${formatCount(figures.cacheL1Entries)} entries, ${formatBytes(figures.cacheL1Bytes ?? 0)}`,
        figures.cacheL2Connection === null
          ? 'no Redis'
          : `Redis ${figures.cacheL2Connection}, p95 ${formatMs(figures.cacheL2LatencyP95Ms ?? 0)}`,
      ]),
    ])
  }
  if (figures.dbBackend !== null) {
    lines.push([
      'db',
      joined([
        figures.dbBackend,
        `pool ${figures.dbPoolActive ?? 0}/${figures.dbPoolMax ?? 0} active, ${figures.dbPoolWaiting ?? 0} waiting`,
        `${formatCount(figures.dbQueries ?? 0)} queries`,
        figures.dbCacheHitRate === null
          ? null
          : `cached reads ${formatRatio(figures.dbCacheHitRate)}`,
      ]),
    ])
  }
  if (figures.taskBacklog !== null) {
    lines.push([
      'tasks',
      joined([
        `backlog ${formatCount(figures.taskBacklog)}`,
        `${figures.taskActive ?? 0} active`,
        `${formatCount(figures.taskThroughputPerMinute ?? 0)}/min`,
        `concurrency ${figures.taskConcurrency ?? 0}`,
        `${formatCount(figures.taskFailed ?? 0)} failed`,
      ]),
    ])
  }
  if (figures.heapUsedBytes !== null) {
    lines.push([
      'memory',
      joined([
        `heap ${formatBytes(figures.heapUsedBytes)} of ${formatBytes(figures.heapLimitBytes ?? 0)}`,
        figures.rssBytes === null ? null : `rss ${formatBytes(figures.rssBytes)}`,
        figures.memoryLevel === null ? null : `level ${figures.memoryLevel}`,
      ]),
    ])
  }
  if (figures.cpuPercent !== null || figures.loopDelayP99Ms !== null) {
    lines.push([
      'system',
      joined([
        figures.cpuPercent === null ? null : `cpu ${formatPercent(figures.cpuPercent)}`,
        figures.systemMemoryPercent === null
          ? null
          : `memory ${formatPercent(figures.systemMemoryPercent)}`,
        figures.loopDelayP99Ms === null
          ? null
          : `loop delay p99 ${formatMs(figures.loopDelayP99Ms)}`,
      ]),
    ])
  }
  const width = Math.max(0, ...lines.map(([name]) => name.length))
  return lines.map(([name, text]) => `${style.bold(name.padEnd(width))}  ${text}`)
}

/**
 * The `status` dashboard: overall state and where it came from, one row per component, the
 * key figures, then the time-to-exhaustion forecasts.
 *
 * @example
 * context.print(renderStatus(status, keyFigures(metrics), 'http://127.0.0.1:8080', style))
 */
export function renderStatus(
  status: StatusReport,
  figures: KeyFigures,
  label: string,
  style: Style,
): string[] {
  const origin = joined([
    label,
    status.instance === null ? null : `instance ${status.instance}`,
    status.version === null ? null : `v${status.version}`,
  ])
  const dot = paintState(status.state, style).replace(status.state, '●')
  const lines = [
    `${dot} ${style.bold(paintState(status.state, style))}  ${origin}`,
    `  profile ${style.bold(status.profile)} · ${status.running ? `running for ${formatDuration(status.uptimeMs)}` : 'not running'}`,
    '',
  ]
  const rows = Object.entries(status.components).map(([name, component]) => [
    name,
    paintState(component.state, style),
    component.reasons.join('; '),
  ])
  if (rows.length > 0) {
    lines.push(
      ...renderTable([{ header: 'component' }, { header: 'state' }, { header: 'why' }], rows, {
        header: style.dim,
      }),
    )
  } else {
    lines.push(style.dim('no components enabled'))
  }
  const figureText = figureLines(figures, style)
  if (figureText.length > 0) lines.push('', ...figureText)
  lines.push('', ...renderForecasts(status.forecasts, style))
  return lines
}
