import type { MonitorSnapshot } from '@bi-perf/monitor'
import type { SettingProposal } from './apply.js'
import { NO_SETTING, describeProposal, profileApply, proposalApply, settingApply } from './apply.js'
import {
  formatBytes,
  formatPercent,
  humanBytes,
  humanDuration,
  round,
  shortenSql,
} from './format.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule, overWindow, readWindow, windowEvidence, windowLabel } from './rule.js'

const MiB = 1024 * 1024

/** Mean CPU, percent, above which the machine has no headroom. */
const HIGH_CPU_PERCENT = 85
/** Fullest filesystem, percent, above which space must be freed soon. */
const HIGH_DISK_PERCENT = 90
/** Fullest filesystem, percent, above which writes are about to fail. */
const CRITICAL_DISK_PERCENT = 95
/** p95 of the event loop's p99 delay, ms, above which requests stall behind synchronous work. */
const HIGH_LOOP_DELAY_MS = 100

/** Share of wall time spent in GC pauses at and above which GC is a cause of CPU and delay. */
const HIGH_GC_PAUSE_SHARE = 0.05
/** Autoscaled concurrency, as a share of the maximum, that counts as running near it. */
const NEAR_MAX_CONCURRENCY = 0.8

/** Share of the machine's busy CPU time under which this process is not what keeps it busy. */
const OWN_CPU_SHARE = 0.3

/** A cause of CPU load or loop delay the figures show, with its fix. */
interface Cause extends Pick<RuleFinding, 'action' | 'apply' | 'proposal'> {
  /** What was seen, for the evidence, e.g. `a 720 ms query on embedded PGlite`. */
  seen: string
  /** The priority when it differs from the rule's: nothing in this service's settings fixes it. */
  priority?: RuleFinding['priority']
}

/**
 * The first cause of CPU load or event-loop delay the figures show: other processes holding the
 * CPU (then nothing in this process explains it), a heap snapshot (it stops the loop for
 * seconds), slow queries on embedded PGlite, GC pauses, then tasks actually running near the
 * concurrency maximum. `undefined` when none shows; lowering `tasks.concurrency.max` is advised
 * only for the last.
 */
export function observedCause(ctx: RuleContext, symptom: 'cpu' | 'loop'): Cause | undefined {
  // A starved process runs everything late, its PGlite queries and GCs included: the host first.
  return (
    otherProcessesCause(ctx, symptom) ??
    heapSnapshotCause(ctx) ??
    embeddedQueryCause(ctx) ??
    gcPauseCause(ctx) ??
    concurrencyCause(ctx)
  )
}

/**
 * The machine is busy, but mostly not with this process (its CPU time, threads included, from the
 * monitor's process figures): the fix is on the host, not in this service's settings.
 */
function otherProcessesCause(ctx: RuleContext, symptom: 'cpu' | 'loop'): Cause | undefined {
  const starved = hostStarvation(ctx)
  if (!starved) return undefined
  return {
    seen: starved,
    action: `find what else keeps the CPU busy (top, ps -eo pid,pcpu,comm --sort=-pcpu) and move it, or give this service its own cores${symptom === 'loop' ? ': the event loop waits for CPU time' : ''}; no setting of this service would help`,
    apply: NO_SETTING,
    priority: 'medium',
  }
}

/**
 * When the machine's CPU is busy over the window but mostly not with this process (its CPU time,
 * threads included, from the monitor's process figures), what was seen, e.g. `this process uses
 * 1% of one core, 0.6% of the busy CPU of 2 cores: other processes hold the CPU`; else
 * `undefined`. Everything in a starved process runs late: queries, timers, GC.
 *
 * @example
 * const starved = hostStarvation(ctx)
 * if (starved) return { priority: 'medium', action: 'free the CPU', … }
 */
export function hostStarvation(ctx: RuleContext): string | undefined {
  const system = ctx.metrics.system
  const own = system?.process?.cpu.total
  const cores = system?.cpu?.cores.length ?? 0
  const cpu = ctx.history.window('system.cpu', ctx.windowMs)
  if (own === undefined || cores === 0 || !cpu || cpu.mean <= HIGH_CPU_PERCENT) return undefined
  const ownShare = own / (100 * cores) / (cpu.mean / 100)
  if (ownShare >= OWN_CPU_SHARE) return undefined
  return `this process uses ${round(own, 0)}% of one core, ${formatPercent(ownShare)} of the busy CPU of ${cores} ${cores === 1 ? 'core' : 'cores'}: other processes hold the CPU`
}

function heapSnapshotCause(ctx: RuleContext): Cause | undefined {
  const snapshots = ctx.metrics.memory?.snapshots
  if (!snapshots) return undefined
  const recent = snapshots.lastAt > 0 && ctx.metrics.at - snapshots.lastAt <= ctx.windowMs
  if (!snapshots.inProgress && !recent) return undefined
  return {
    seen: snapshots.inProgress
      ? 'a heap snapshot is being written (it blocks the event loop)'
      : `a heap snapshot took ${humanDuration(snapshots.lastDurationMs)} ${overWindow(ctx)} (it blocks the event loop)`,
    action:
      'take heap snapshots off peak or on an instance out of the load balancer: V8 stops the event loop while it walks the heap',
    apply: NO_SETTING,
  }
}

function embeddedQueryCause(ctx: RuleContext): Cause | undefined {
  const db = ctx.metrics.db
  if (db?.backend !== 'pglite') return undefined
  const since = ctx.metrics.at - ctx.windowMs
  const slow = db.queries.slow.filter((query) => Date.parse(query.at) >= since)
  const slowest = slow.reduce<(typeof slow)[number] | undefined>(
    (worst, query) => (worst && worst.durationMs >= query.durationMs ? worst : query),
    undefined,
  )
  if (!slowest) return undefined
  return {
    seen: `${slow.length === 1 ? 'a query' : `${slow.length} queries`} on embedded PGlite slower than ${db.queries.slowQueryMs} ms ${overWindow(ctx)}, the slowest ${round(slowest.durationMs, 0)} ms`,
    action: `speed up or cache "${shortenSql(slowest.sql, 80)}" (${round(slowest.durationMs, 0)} ms; an index, or db.cached()), or set database.url to a PostgreSQL server: embedded PGlite runs its queries in this process, one at a time, and takes CPU from the event loop`,
    apply: settingApply('database.url', 'postgres://user:password@host:5432/db'),
  }
}

function gcPauseCause(ctx: RuleContext): Cause | undefined {
  const memory = ctx.metrics.memory
  const pauses = readWindow(ctx, 'memory.gcPauseShare')
  if (!memory || !pauses) return undefined
  const share = pauses.mean
  // The longest pause is only kept since start: it names a cause only beside pauses now.
  const longest = memory.gc.major.maxPauseMs
  if (share < HIGH_GC_PAUSE_SHARE && (share <= 0 || longest < HIGH_LOOP_DELAY_MS)) return undefined
  const seen = `garbage collection paused ${formatPercent(share)} of the time ${overWindow(ctx)} (longest major pause since start ${round(longest, 0)} ms)`
  // A heap near its limit is collected over and over; a roomy one pauses long on what caches hold.
  if (memory.heap.ratio >= ctx.metrics.tuning.memory.softLimit) {
    const proposed = Math.ceil(((memory.heap.limit / MiB) * 1.5) / 256) * 256
    return {
      seen,
      action: `give the heap room: it is ${formatPercent(memory.heap.ratio)} full, so V8 collects again and again; raise --max-old-space-size to ${proposed} (MiB)`,
      apply: { env: `NODE_OPTIONS=--max-old-space-size=${proposed}`, restart: true },
    }
  }
  if (ctx.metrics.profile === 'memory') {
    return {
      seen,
      action:
        'allocate less per request (stream large results, reuse buffers with memory.createPool); profile with node --heap-prof',
      apply: NO_SETTING,
    }
  }
  return {
    seen,
    action: `apply profile "memory": smaller in-process caches leave V8 less to mark on every major GC (now "${ctx.metrics.profile}")`,
    apply: profileApply('memory'),
  }
}

function concurrencyCause(ctx: RuleContext): Cause | undefined {
  const tasks = ctx.metrics.tasks
  if (!tasks?.worker) return undefined
  const { concurrencyMin, concurrencyMax } = ctx.metrics.tuning.tasks
  const concurrency = ctx.history.window('tasks.concurrency', ctx.windowMs)
  // The configured maximum says nothing: only tasks that ran near it compete for the CPU.
  if (!concurrency || concurrency.p95 < NEAR_MAX_CONCURRENCY * concurrencyMax) return undefined
  if (tasks.counts.active === 0 && tasks.throughputPerMinute === 0) return undefined
  const proposal: SettingProposal = {
    setting: 'tasks.concurrency.max',
    from: concurrencyMax,
    to: Math.max(concurrencyMin, Math.floor(concurrencyMax / 2)),
  }
  if (proposal.to >= proposal.from) return undefined
  return {
    seen: `tasks ran at concurrency ${round(concurrency.p95, 0)} of ${concurrencyMax} (p95 ${overWindow(ctx)}, ${tasks.counts.active} running now)`,
    action: `${describeProposal(proposal)} so background tasks leave CPU to requests, or run tasks in separate worker processes`,
    apply: proposalApply(proposal),
    proposal,
  }
}

/** What CPU advice says when no cause it knows shows in the figures. */
const NO_CAUSE_CPU =
  'profile the hot paths (node --cpu-prof) and add CPU or instances; no known cause (slow embedded query, GC, heap snapshot, busy tasks) shows in the figures'
/** What loop-delay advice says when no cause it knows shows in the figures. */
const NO_CAUSE_LOOP =
  'move CPU-bound work off the event loop, into tasks run by worker processes or into worker threads; profile with node --cpu-prof to find it'

/** The action of the observed cause (with its proposal, for the profile guard), or the fallback. */
function causeAdvice(
  cause: Cause | undefined,
  fallback: string,
): Pick<RuleFinding, 'action' | 'apply' | 'proposal'> {
  if (!cause) return { action: fallback, apply: NO_SETTING }
  const { action, apply, proposal } = cause
  return proposal ? { action, apply, proposal } : { action, apply }
}

/** The CPU is busy nearly all the time: latency grows with every extra request. */
export const systemCpuHigh = defineRule('system.cpu-high', 'system', (ctx) => {
  const cpu = readWindow(ctx, 'system.cpu')
  if (!cpu || cpu.mean <= HIGH_CPU_PERCENT) return undefined
  const cause = observedCause(ctx, 'cpu')
  const summary = `CPU ${round(cpu.mean, 1)}% on average ${overWindow(ctx)} (p95 ${round(cpu.p95, 1)}%, threshold ${HIGH_CPU_PERCENT}%)`
  return {
    priority: cause?.priority ?? 'high',
    title: `CPU averages ${round(cpu.mean, 1)}% over ${windowLabel(ctx)} (p95 ${round(cpu.p95, 1)}%)`,
    evidence: windowEvidence(
      ctx,
      'system.cpu.mean',
      cpu.mean,
      HIGH_CPU_PERCENT,
      cause ? `${summary}; cause: ${cause.seen}` : summary,
    ),
    ...causeAdvice(cause, NO_CAUSE_CPU),
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
      summary: `fullest filesystem ${round(disk.last, 1)}% used now (threshold ${critical ? CRITICAL_DISK_PERCENT : HIGH_DISK_PERCENT}%)${fullestAvailable(ctx.metrics.system)}`,
    },
    action: freeSpace(ctx.metrics.system),
    apply: NO_SETTING,
  }
})

/** `, 3.2 GiB available on /var`, or nothing without filesystem figures. */
function fullestAvailable(system: MonitorSnapshot | undefined): string {
  const fullest = fullestFilesystem(system)
  return fullest ? `, ${humanBytes(fullest.available)} available on ${fullest.mount}` : ''
}

/** How much to free, and where, to get the fullest filesystem back under the high mark. */
function freeSpace(system: MonitorSnapshot | undefined): string {
  const fullest = fullestFilesystem(system)
  if (!fullest) return 'free space on the fullest filesystem or grow it'
  const capacity = fullest.used + fullest.available
  const toFree = Math.max(0, fullest.used - (HIGH_DISK_PERCENT / 100) * capacity)
  return `free at least ${formatBytes(toFree)} on ${fullest.mount} (${fullest.device}, ${formatBytes(fullest.available)} of ${formatBytes(capacity)} available) to get below ${HIGH_DISK_PERCENT}%, or grow it`
}

/**
 * The most used filesystem of the snapshot (the first of equals), the one behind
 * `system.diskUsedPercent`; undefined without filesystem figures.
 */
function fullestFilesystem(system: MonitorSnapshot | undefined) {
  const entries = system?.filesystems?.entries ?? []
  return entries.reduce<(typeof entries)[number] | undefined>(
    (worst, entry) => (worst && worst.usedPercent >= entry.usedPercent ? worst : entry),
    undefined,
  )
}

/** The event loop stalls: synchronous work delays every request in the process. */
export const systemLoopDelay = defineRule('system.loop-delay', 'system', (ctx) => {
  const delay = readWindow(ctx, 'system.loopDelayP99Ms')
  if (!delay || delay.p95 <= HIGH_LOOP_DELAY_MS) return undefined
  const cause = observedCause(ctx, 'loop')
  const summary = `event loop delay p99 reached ${round(delay.p95, 1)} ms (p95 of samples ${overWindow(ctx)}, threshold ${HIGH_LOOP_DELAY_MS} ms)`
  return {
    priority: cause?.priority ?? 'high',
    title: `Event loop delay p99 reaches ${round(delay.p95, 1)} ms (p95 over ${windowLabel(ctx)})`,
    evidence: windowEvidence(
      ctx,
      'system.loopDelayP99Ms.p95',
      delay.p95,
      HIGH_LOOP_DELAY_MS,
      cause ? `${summary}; cause: ${cause.seen}` : summary,
    ),
    ...causeAdvice(cause, NO_CAUSE_LOOP),
  }
})

/** The system rules, in the order they are documented. */
export const systemRules: readonly RecommendationRule[] = [
  systemCpuHigh,
  systemDiskAlmostFull,
  systemLoopDelay,
]
