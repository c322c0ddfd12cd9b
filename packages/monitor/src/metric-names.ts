import type { MonitorSnapshot } from './types.js'

/**
 * Metrics with a fixed name. A metric's name is its path in the snapshot, so
 * `snapshot.process.heap.used` is `process.heap.used`.
 */
export const STATIC_METRICS = [
  'cpu.total',
  'cpu.user',
  'cpu.system',
  'cpu.iowait',
  'cpu.steal',
  'load.avg1',
  'load.avg5',
  'load.avg15',
  'memory.used',
  'memory.available',
  'memory.usedPercent',
  'memory.swapUsed',
  'memory.swapUsedPercent',
  'disk.readBytesPerSec',
  'disk.writeBytesPerSec',
  'disk.readsPerSec',
  'disk.writesPerSec',
  'network.rxBytesPerSec',
  'network.txBytesPerSec',
  'process.rss',
  'process.heap.used',
  'process.heap.total',
  'process.external',
  'process.arrayBuffers',
  'process.cpu.total',
  'process.activeResources',
  'eventLoop.delay.mean',
  'eventLoop.delay.p50',
  'eventLoop.delay.p99',
  'eventLoop.delay.max',
  'eventLoop.utilization',
  'monitor.cpuPercent',
  'monitor.collectMs',
] as const

const STATIC_SET: ReadonlySet<string> = new Set(STATIC_METRICS)

/** Families with one metric per core or filesystem, e.g. `cpu.core.0`, `fs./var.usedPercent`. */
const DYNAMIC_METRICS = [/^cpu\.core\.\d+$/, /^fs\..+\.(used|available|usedPercent)$/]

/** Names that stand for a family in examples, used to check a rule's `*` pattern. */
const DYNAMIC_EXAMPLES = [
  'cpu.core.0',
  'fs./.used',
  'fs./.available',
  'fs./.usedPercent',
  'fs./var/lib/data.usedPercent',
]

/** Whether `name` is a metric the monitor can record (it may not have been recorded yet). */
export function isMetricName(name: string): boolean {
  return STATIC_SET.has(name) || DYNAMIC_METRICS.some((pattern) => pattern.test(name))
}

/** A matcher for a rule's metric: an exact name, or a pattern where `*` matches any text. */
export function metricMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+')
  const regex = new RegExp(`^${source}$`)
  return (name) => regex.test(name)
}

/** Whether a rule's metric (name or pattern) can match anything the monitor records. */
export function canMatchMetric(pattern: string): boolean {
  if (!pattern.includes('*')) return isMetricName(pattern)
  const matches = metricMatcher(pattern)
  return STATIC_METRICS.some(matches) || DYNAMIC_EXAMPLES.some(matches)
}

const coreNames: string[] = []

/**
 * Calls `visit` with every metric of a snapshot and its value. Sections that are `null` (their
 * collector failed) are skipped, so their history has a gap rather than a fake value.
 */
export function visitMetrics(
  snapshot: MonitorSnapshot,
  visit: (name: string, value: number) => void,
): void {
  const { cpu, load, memory, filesystems, disk, network, process, eventLoop, monitor } = snapshot
  if (cpu) {
    visit('cpu.total', cpu.total)
    visit('cpu.user', cpu.user)
    visit('cpu.system', cpu.system)
    visit('cpu.iowait', cpu.iowait)
    visit('cpu.steal', cpu.steal)
    for (let index = 0; index < cpu.cores.length; index++) {
      visit((coreNames[index] ??= `cpu.core.${index}`), cpu.cores[index]!)
    }
  }
  if (load) {
    visit('load.avg1', load.avg1)
    visit('load.avg5', load.avg5)
    visit('load.avg15', load.avg15)
  }
  if (memory) {
    visit('memory.used', memory.used)
    visit('memory.available', memory.available)
    visit('memory.usedPercent', memory.usedPercent)
    visit('memory.swapUsed', memory.swapUsed)
    visit('memory.swapUsedPercent', memory.swapUsedPercent)
  }
  if (filesystems) {
    for (const entry of filesystems.entries) {
      visit(`fs.${entry.mount}.used`, entry.used)
      visit(`fs.${entry.mount}.available`, entry.available)
      visit(`fs.${entry.mount}.usedPercent`, entry.usedPercent)
    }
  }
  if (disk) {
    visit('disk.readBytesPerSec', disk.readBytesPerSec)
    visit('disk.writeBytesPerSec', disk.writeBytesPerSec)
    visit('disk.readsPerSec', disk.readsPerSec)
    visit('disk.writesPerSec', disk.writesPerSec)
  }
  if (network) {
    visit('network.rxBytesPerSec', network.rxBytesPerSec)
    visit('network.txBytesPerSec', network.txBytesPerSec)
  }
  if (process) {
    visit('process.rss', process.rss)
    visit('process.heap.used', process.heap.used)
    visit('process.heap.total', process.heap.total)
    visit('process.external', process.external)
    visit('process.arrayBuffers', process.arrayBuffers)
    visit('process.cpu.total', process.cpu.total)
    visit('process.activeResources', process.activeResources)
  }
  if (eventLoop) {
    visit('eventLoop.delay.mean', eventLoop.delay.mean)
    visit('eventLoop.delay.p50', eventLoop.delay.p50)
    visit('eventLoop.delay.p99', eventLoop.delay.p99)
    visit('eventLoop.delay.max', eventLoop.delay.max)
    visit('eventLoop.utilization', eventLoop.utilization)
  }
  // Optional at run time so an ingested snapshot may leave the monitor's own figures out.
  if (monitor) {
    visit('monitor.cpuPercent', monitor.cpuPercent)
    visit('monitor.collectMs', monitor.collectMs)
  }
}
