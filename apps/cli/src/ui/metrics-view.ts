import type { OptimizerMetrics } from '@bi-perf/core'
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatRatio,
} from './format.js'
import type { Style } from './style.js'
import { renderPairs, renderTable } from './table.js'

/** The sections `metrics --section` accepts. */
export const metricSections = ['cache', 'db', 'tasks', 'memory', 'system'] as const

/** One section of the metrics. */
export type MetricSection = (typeof metricSections)[number]

/** Which configuration switch runs each section, for the "not running" message. */
export const sectionSwitch: Record<MetricSection, string> = {
  cache: 'cache.enabled',
  db: 'database.enabled',
  tasks: 'tasks.enabled',
  memory: 'memory.enabled',
  system: 'monitor.enabled',
}

type Required<T> = Exclude<T, undefined>

function cacheLines(cache: Required<OptimizerMetrics['cache']>): string[] {
  const pairs: [string, string][] = [
    [
      'hit rate',
      `${formatRatio(cache.hitRate)} (${formatCount(cache.hits)} hits, ${formatCount(cache.misses)} misses)`,
    ],
    ['stale served', formatCount(cache.staleServed)],
    ['coalesced', formatCount(cache.coalesced)],
    ['loads', `${formatCount(cache.loads)} (${formatCount(cache.loadErrors)} failed)`],
    [
      'L1',
      cache.l1.enabled
        ? `${formatCount(cache.l1.entries)} / ${formatCount(cache.l1.maxEntries)} entries, ${formatBytes(cache.l1.bytes)} / ${formatBytes(cache.l1.maxBytes)}, ${formatCount(cache.l1.evictions)} evictions`
        : 'off',
    ],
  ]
  if (cache.l2) {
    const l2 = cache.l2
    pairs.push(
      ['L2 (Redis)', `${l2.connection}, breaker ${l2.breaker}`],
      ['L2 hits / misses', `${formatCount(l2.hits)} / ${formatCount(l2.misses)}`],
      [
        'L2 latency',
        `p50 ${formatMs(l2.latencyMs.p50)} · p95 ${formatMs(l2.latencyMs.p95)} · p99 ${formatMs(l2.latencyMs.p99)}`,
      ],
      [
        'L2 errors',
        `${formatCount(l2.errors)} (${formatCount(l2.timeouts)} timeouts, ${formatCount(l2.skipped)} skipped)`,
      ],
      ['pending invalidations', formatCount(l2.pendingInvalidations)],
    )
  } else {
    pairs.push(['L2 (Redis)', 'not configured'])
  }
  pairs.push([
    'compression',
    `${cache.compression.codec}, ${formatCount(cache.compression.compressed)} values, ${formatBytes(cache.compression.bytesSaved)} saved`,
  ])
  return renderPairs(pairs)
}

function dbLines(db: Required<OptimizerMetrics['db']>, style: Style): string[] {
  const { pool, queries, cache } = db
  const lines = renderPairs([
    ['backend', db.backend],
    [
      'pool',
      `${pool.active} active, ${pool.idle} idle, ${pool.total} open of ${pool.max} (${formatRatio(pool.saturation)} saturated)`,
    ],
    [
      'waiting',
      `${pool.waiting} now · acquire wait p95 ${formatMs(pool.acquireWaitMs.p95)}, p99 ${formatMs(pool.acquireWaitMs.p99)} · ${pool.acquireTimeouts} timeouts`,
    ],
    [
      'queries',
      `${formatCount(queries.executed)} (${formatCount(queries.errors)} failed), ${queries.shapes} shapes, ${queries.slow.length} slow (> ${queries.slowQueryMs} ms)`,
    ],
    [
      'cached reads',
      `${formatRatio(cache.hitRate)} (${formatCount(cache.hits)} hits, ${formatCount(cache.misses)} misses, ${formatCount(cache.coalesced)} coalesced)`,
    ],
    [
      'transactions',
      `${formatCount(db.transactions.committed)} committed, ${formatCount(db.transactions.rolledBack)} rolled back`,
    ],
  ])
  if (queries.top.length > 0) {
    lines.push(
      '',
      ...renderTable(
        [
          { header: 'top queries' },
          { header: 'count', align: 'right' },
          { header: 'mean', align: 'right' },
          { header: 'p95', align: 'right' },
          { header: 'total', align: 'right' },
        ],
        queries.top
          .slice(0, 5)
          .map((shape) => [
            shape.sql.replace(/\s+/g, ' ').slice(0, 60),
            formatCount(shape.count),
            formatMs(shape.meanMs),
            formatMs(shape.p95Ms),
            formatMs(shape.totalMs),
          ]),
        { header: style.dim },
      ),
    )
  }
  return lines
}

function tasksLines(tasks: Required<OptimizerMetrics['tasks']>): string[] {
  const { counts } = tasks
  const last = tasks.autoscaler.decisions.at(-1)
  return renderPairs([
    ['queue', `${tasks.name} (${tasks.backend}${tasks.worker ? ', worker' : ', producer only'})`],
    [
      'counts',
      `${counts.waiting} waiting, ${counts.delayed} delayed, ${counts.active} active, ${formatCount(counts.completed)} completed, ${formatCount(counts.failed)} failed`,
    ],
    ['backlog', formatCount(counts.backlog)],
    ['throughput', `${formatCount(tasks.throughputPerMinute)}/min`],
    [
      'wait / run',
      `${formatMs(tasks.averageWaitMs)} / ${formatMs(tasks.averageProcessingMs)} mean`,
    ],
    ['failure rate', formatRatio(tasks.failureRate)],
    [
      'concurrency',
      `${tasks.concurrency}${tasks.autoscaler.enabled ? ` (autoscaled ${tasks.autoscaler.min}–${tasks.autoscaler.max})` : ''}`,
    ],
    [
      'last scaling',
      last
        ? `${last.from} → ${last.to} (${last.reason}) at ${new Date(last.at).toISOString()}`
        : 'none',
    ],
  ])
}

function memoryLines(memory: Required<OptimizerMetrics['memory']>): string[] {
  const { heap, gc, pressure, leak } = memory
  return renderPairs([
    ['level', memory.level],
    [
      'heap',
      `${formatBytes(heap.used)} used, ${formatBytes(heap.total)} reserved, limit ${formatBytes(heap.limit)} (${formatRatio(heap.ratio)})`,
    ],
    ['rss / external', `${formatBytes(heap.rss)} / ${formatBytes(heap.external)}`],
    [
      'gc',
      `${formatCount(gc.count)} collections, ${formatMs(gc.pauseMs)} paused (${formatCount(gc.major.count)} major)`,
    ],
    [
      'pressure',
      `${pressure.soft.actions} soft, ${pressure.hard.actions} hard actions; ${pressure.hard.gcForced} forced GCs`,
    ],
    [
      'leak suspicion',
      leak.enabled
        ? `${leak.suspicions} suspicions${leak.suspicions > 0 ? `, last ${formatBytes(leak.lastGrowthBytesPerMinute)}/min` : ''}`
        : 'off',
    ],
  ])
}

function systemLines(system: Required<OptimizerMetrics['system']>): string[] {
  const pairs: [string, string][] = []
  if (system.cpu) {
    pairs.push([
      'cpu',
      `${formatPercent(system.cpu.total)} (user ${formatPercent(system.cpu.user)}, system ${formatPercent(system.cpu.system)}, iowait ${formatPercent(system.cpu.iowait)}) on ${system.cpu.cores.length} cores`,
    ])
  }
  if (system.load)
    pairs.push([
      'load',
      `${system.load.avg1.toFixed(2)} ${system.load.avg5.toFixed(2)} ${system.load.avg15.toFixed(2)}`,
    ])
  if (system.memory) {
    pairs.push([
      'memory',
      `${formatBytes(system.memory.used)} of ${formatBytes(system.memory.total)} (${formatPercent(system.memory.usedPercent)}), swap ${formatPercent(system.memory.swapUsedPercent)}`,
    ])
  }
  if (system.process) {
    const proc = system.process
    pairs.push([
      'process',
      `pid ${proc.pid}, cpu ${formatPercent(proc.cpu.total)}, rss ${formatBytes(proc.rss)}, heap ${formatBytes(proc.heap.used)}, up ${formatDuration(proc.uptime * 1000)}`,
    ])
  }
  if (system.eventLoop) {
    const loop = system.eventLoop
    pairs.push([
      'event loop',
      `delay p50 ${formatMs(loop.delay.p50)}, p99 ${formatMs(loop.delay.p99)}, max ${formatMs(loop.delay.max)} · ${formatPercent(loop.utilization)} busy`,
    ])
  }
  if (system.disk)
    pairs.push([
      'disk',
      `read ${formatBytes(system.disk.readBytesPerSec)}/s, write ${formatBytes(system.disk.writeBytesPerSec)}/s`,
    ])
  if (system.network)
    pairs.push([
      'network',
      `in ${formatBytes(system.network.rxBytesPerSec)}/s, out ${formatBytes(system.network.txBytesPerSec)}/s`,
    ])
  for (const fs of system.filesystems?.entries ?? []) {
    pairs.push([
      `fs ${fs.mount}`,
      `${formatBytes(fs.used)} of ${formatBytes(fs.size)} (${formatPercent(fs.usedPercent)})`,
    ])
  }
  pairs.push([
    'sampling cost',
    `${formatPercent(system.monitor.cpuPercent)} cpu, ${formatMs(system.monitor.collectMs)} per sample, ${formatRate(system.monitor.samples)} samples`,
  ])
  return renderPairs(pairs)
}

/** Whether a metrics object carries a section (its component runs and has sampled). */
export function hasSection(metrics: OptimizerMetrics, section: MetricSection): boolean {
  return metrics[section] !== undefined
}

/**
 * Human lines of the chosen sections (every section present when `sections` is all of them).
 *
 * @example
 * context.print(renderMetrics(metrics, ['cache'], style))
 */
export function renderMetrics(
  metrics: OptimizerMetrics,
  sections: readonly MetricSection[],
  style: Style,
): string[] {
  const lines = [
    style.dim(
      `profile ${metrics.profile} · up ${formatDuration(metrics.uptimeMs)} · at ${new Date(metrics.at).toISOString()}`,
    ),
  ]
  const add = (title: string, body: string[]) =>
    lines.push('', style.bold(title), ...body.map((line) => (line === '' ? '' : `  ${line}`)))
  for (const section of sections) {
    if (section === 'cache' && metrics.cache) add('cache', cacheLines(metrics.cache))
    if (section === 'db' && metrics.db) add('db', dbLines(metrics.db, style))
    if (section === 'tasks' && metrics.tasks) add('tasks', tasksLines(metrics.tasks))
    if (section === 'memory' && metrics.memory) add('memory', memoryLines(metrics.memory))
    if (section === 'system' && metrics.system) add('system', systemLines(metrics.system))
  }
  return lines
}
