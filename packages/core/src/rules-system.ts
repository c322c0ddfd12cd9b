import type { MonitorSnapshot } from '@bi-perf/monitor'
import { formatBytes, round } from './recommend-format.js'
import type { RecommendationRule, RuleContext } from './recommend-rule.js'
import { defineRule, readWindow, windowEvidence, windowLabel } from './recommend-rule.js'

/** Mean CPU, percent, above which the machine has no headroom. */
const HIGH_CPU_PERCENT = 85
/** Fullest filesystem, percent, above which space must be freed soon. */
const HIGH_DISK_PERCENT = 90
/** Fullest filesystem, percent, above which writes are about to fail. */
const CRITICAL_DISK_PERCENT = 95
/** p95 of the event loop's p99 delay, ms, above which requests stall behind synchronous work. */
const HIGH_LOOP_DELAY_MS = 100

/**
 * Halving the in-process task concurrency, when this process runs tasks and that would still
 * leave it above its minimum; `undefined` otherwise.
 */
function lowerConcurrency(ctx: RuleContext): string | undefined {
  if (!ctx.metrics.tasks?.worker) return undefined
  const { concurrencyMin, concurrencyMax } = ctx.metrics.tuning.tasks
  const proposed = Math.max(concurrencyMin, Math.floor(concurrencyMax / 2))
  return proposed < concurrencyMax
    ? `lower tasks.concurrency.max from ${concurrencyMax} to ${proposed}`
    : undefined
}

/** The CPU is busy nearly all the time: latency grows with every extra request. */
export const systemCpuHigh = defineRule('system.cpu-high', 'system', (ctx) => {
  const cpu = readWindow(ctx, 'system.cpu')
  if (!cpu || cpu.mean <= HIGH_CPU_PERCENT) return undefined
  const lower = lowerConcurrency(ctx)
  return {
    priority: 'high',
    title: `CPU averages ${round(cpu.mean, 1)}% over ${windowLabel(ctx)} (p95 ${round(cpu.p95, 1)}%)`,
    evidence: windowEvidence(ctx, 'system.cpu.mean', cpu.mean, HIGH_CPU_PERCENT),
    action: lower
      ? `${lower} so background tasks leave CPU to requests, or add CPU or instances`
      : 'add CPU or instances, and profile the hot paths (node --cpu-prof)',
  }
})

/** A filesystem is nearly full: writes (logs, PGlite data, heap snapshots) will fail. */
export const systemDiskAlmostFull = defineRule('system.disk-almost-full', 'system', (ctx) => {
  const disk = readWindow(ctx, 'system.diskUsedPercent')
  if (!disk || disk.last <= HIGH_DISK_PERCENT) return undefined
  const critical = disk.last > CRITICAL_DISK_PERCENT
  return {
    priority: critical ? 'critical' : 'high',
    title: `A filesystem is ${round(disk.last, 1)}% full`,
    evidence: {
      metric: 'system.diskUsedPercent',
      value: round(disk.last, 3),
      threshold: critical ? CRITICAL_DISK_PERCENT : HIGH_DISK_PERCENT,
      window: 'now',
    },
    action: freeSpace(ctx.metrics.system),
  }
})

/** How much to free, and where, to get the fullest filesystem back under the high mark. */
function freeSpace(system: MonitorSnapshot | undefined): string {
  const entries = system?.filesystems?.entries ?? []
  const fullest = entries.reduce<(typeof entries)[number] | undefined>(
    (worst, entry) => (worst && worst.usedPercent >= entry.usedPercent ? worst : entry),
    undefined,
  )
  if (!fullest) return 'free space on the fullest filesystem or grow it'
  const capacity = fullest.used + fullest.available
  const toFree = Math.max(0, fullest.used - (HIGH_DISK_PERCENT / 100) * capacity)
  return `free at least ${formatBytes(toFree)} on ${fullest.mount} (${fullest.device}, ${formatBytes(fullest.available)} of ${formatBytes(capacity)} available) to get below ${HIGH_DISK_PERCENT}%, or grow it`
}

/** The event loop stalls: synchronous work delays every request in the process. */
export const systemLoopDelay = defineRule('system.loop-delay', 'system', (ctx) => {
  const delay = readWindow(ctx, 'system.loopDelayP99Ms')
  if (!delay || delay.p95 <= HIGH_LOOP_DELAY_MS) return undefined
  const lower = lowerConcurrency(ctx)
  return {
    priority: 'high',
    title: `Event loop delay p99 reaches ${round(delay.p95, 1)} ms (p95 over ${windowLabel(ctx)})`,
    evidence: windowEvidence(ctx, 'system.loopDelayP99Ms.p95', delay.p95, HIGH_LOOP_DELAY_MS),
    action: `move CPU-bound work off the event loop: into tasks run by worker processes or into worker threads${lower ? `, or ${lower}` : ''}`,
  }
})

/** The system rules, in the order they are documented. */
export const systemRules: readonly RecommendationRule[] = [
  systemCpuHigh,
  systemDiskAlmostFull,
  systemLoopDelay,
]
