import type { HealthState, OptimizerMetrics } from '@bi-perf/core'
import { formatBytes, formatCount, formatMs, formatPercent } from './format.js'
import { keyFigures } from '../key-figures.js'
import { sparkline, sparklineRange, type SparklineScale } from './sparkline.js'
import { figureLines, paintState } from './status-view.js'
import type { Style } from './style.js'

/** One point of the monitor: the figures its sparklines draw. `null` where a component is off. */
export interface MonitorSample {
  /** ISO 8601 time of the metrics. */
  at: string
  profile: string
  state: HealthState | null
  /** System CPU busy share, percent. */
  cpuPercent: number | null
  heapUsedBytes: number | null
  rssBytes: number | null
  loopDelayP99Ms: number | null
  /**
   * Cache hit rate over the last interval (0–1); the previous interval's rate while nothing is
   * looked up; `null` before the first lookup and when the cache is off.
   */
  hitRate: number | null
  /** Cache lookups (hits + misses) since start; `null` when the cache is off. */
  cacheLookups: number | null
  taskBacklog: number | null
}

/**
 * The monitor sample of `metrics`; the hit rate is computed over the interval since
 * `previous` (the cache's own rate is cumulative since start and barely moves).
 */
export function monitorSample(
  metrics: OptimizerMetrics,
  state: HealthState | null,
  previous?: { metrics: OptimizerMetrics; sample: MonitorSample },
): MonitorSample {
  const figures = keyFigures(metrics)
  const cache = metrics.cache
  const cacheLookups = cache ? cache.hits + cache.misses : null
  // Before any lookup the cache reports a 0 % rate; that is no figure, not a bad one.
  let hitRate = cacheLookups === 0 ? null : figures.cacheHitRate
  const before = previous?.metrics.cache
  if (cache && before && cacheLookups !== 0) {
    const hits = cache.hits - before.hits
    const lookups = hits + (cache.misses - before.misses)
    hitRate = lookups > 0 ? hits / lookups : (previous?.sample.hitRate ?? cache.hitRate)
  }
  return {
    at: new Date(metrics.at).toISOString(),
    profile: metrics.profile,
    state,
    cpuPercent: figures.cpuPercent,
    heapUsedBytes: figures.heapUsedBytes,
    rssBytes: figures.rssBytes,
    loopDelayP99Ms: figures.loopDelayP99Ms,
    hitRate,
    cacheLookups,
    taskBacklog: figures.taskBacklog,
  }
}

/**
 * Shown for a system figure without a value: the first frame draws before the monitor's first
 * sample (a CPU share and a loop delay need an interval to be measured), or the monitor is off.
 */
const PENDING = '—'

interface Series {
  label: string
  pick(sample: MonitorSample): number | null
  show(sample: MonitorSample): string
  /** One bound of the scale with its unit, printed beside the sparkline. */
  bound(value: number): string
  /** Fixed bounds (percentages); others scale from their smallest to their largest value. */
  scale?: SparklineScale
}

const percentBound = (value: number) => `${Math.round(value)} %`

const SERIES: readonly Series[] = [
  {
    label: 'CPU',
    pick: (sample) => sample.cpuPercent,
    show: (sample) => (sample.cpuPercent === null ? PENDING : formatPercent(sample.cpuPercent)),
    bound: percentBound,
    scale: { min: 0, max: 100 },
  },
  {
    label: 'Memory',
    pick: (sample) => sample.heapUsedBytes,
    show: (sample) =>
      sample.heapUsedBytes === null
        ? PENDING
        : `${formatBytes(sample.heapUsedBytes)} heap${sample.rssBytes === null ? '' : ` · ${formatBytes(sample.rssBytes)} rss`}`,
    bound: formatBytes,
  },
  {
    label: 'Loop delay',
    pick: (sample) => sample.loopDelayP99Ms,
    show: (sample) =>
      sample.loopDelayP99Ms === null ? PENDING : `${formatMs(sample.loopDelayP99Ms)} p99`,
    bound: formatMs,
  },
  {
    label: 'Hit rate',
    pick: (sample) => (sample.hitRate === null ? null : sample.hitRate * 100),
    show: (sample) =>
      sample.hitRate !== null
        ? formatPercent(sample.hitRate * 100)
        : sample.cacheLookups === null
          ? 'cache off'
          : 'no lookups yet',
    bound: percentBound,
    scale: { min: 0, max: 100 },
  },
  {
    label: 'Task backlog',
    pick: (sample) => sample.taskBacklog,
    show: (sample) => (sample.taskBacklog === null ? 'tasks off' : formatCount(sample.taskBacklog)),
    bound: formatCount,
  },
]

/** What the full-screen view shows. */
export interface MonitorFrame {
  /** Where the figures come from (URL or local). */
  label: string
  /** Samples, oldest first (the view keeps as many as the widest terminal needs). */
  samples: readonly MonitorSample[]
  /** The latest metrics, for the component lines under the charts. */
  metrics: OptimizerMetrics | null
  /** The last poll's error, shown until a poll succeeds. */
  error: string | null
  intervalMs: number
}

const LABEL_WIDTH = 13
/** Room for the scale beside a sparkline, e.g. `41.2 MiB–43.0 MiB`. */
const SCALE_WIDTH = 19
const VALUE_WIDTH = 34

/** The scale beside a sparkline: `min–max`, `flat <value>`, or blank without values. */
function scaleText(series: Series, values: readonly (number | null)[], width: number): string {
  const range = sparklineRange(values, width, series.scale)
  if (range === null) return ''
  return range.flat
    ? `flat ${series.bound(range.min)}`
    : `${series.bound(range.min)}–${series.bound(range.max)}`
}

/**
 * The lines of one full-screen frame for a terminal `columns` wide.
 *
 * @example
 * screen.draw(renderMonitorFrame(frame, screen.size().columns, style))
 */
export function renderMonitorFrame(frame: MonitorFrame, columns: number, style: Style): string[] {
  const latest = frame.samples.at(-1)
  const time = latest ? latest.at.slice(11, 19) : '--:--:--'
  const state = latest?.state ? `${paintState(latest.state, style)}` : style.dim('state ?')
  const title = `${style.bold('bi-performance monitor')} · ${frame.label} · profile ${latest?.profile ?? '?'} · ${state} · ${time}`
  const lines = [title, '']
  const chartWidth = Math.max(10, columns - LABEL_WIDTH - SCALE_WIDTH - VALUE_WIDTH - 4)
  for (const series of SERIES) {
    const values = frame.samples.map((sample) => series.pick(sample))
    const chart = sparkline(values, chartWidth, series.scale)
    const scale = scaleText(series, values, chartWidth).padEnd(SCALE_WIDTH)
    const value = latest ? series.show(latest) : ''
    lines.push(
      `${style.bold(series.label.padEnd(LABEL_WIDTH))}${style.cyan(chart)}  ${style.dim(scale)}  ${value}`,
    )
  }
  if (frame.metrics) lines.push('', ...figureLines(keyFigures(frame.metrics), style))
  lines.push(
    '',
    frame.error === null
      ? style.dim(`every ${formatMs(frame.intervalMs)} · ${frame.samples.length} samples · q quit`)
      : style.red(`last update failed: ${frame.error} (retrying)`),
  )
  return lines
}

/** One plain line per sample, for a pipe or a log file. */
export function renderMonitorLine(sample: MonitorSample): string {
  const parts = [
    sample.at,
    `state ${sample.state ?? '?'}`,
    `profile ${sample.profile}`,
    `cpu ${sample.cpuPercent === null ? PENDING : formatPercent(sample.cpuPercent)}`,
    `heap ${sample.heapUsedBytes === null ? PENDING : formatBytes(sample.heapUsedBytes)}`,
    `loop-p99 ${sample.loopDelayP99Ms === null ? PENDING : formatMs(sample.loopDelayP99Ms)}`,
    `hit ${sample.hitRate !== null ? formatPercent(sample.hitRate * 100) : sample.cacheLookups === null ? 'n/a' : 'none yet'}`,
    `backlog ${sample.taskBacklog ?? 'n/a'}`,
  ]
  return parts.join('  ')
}
