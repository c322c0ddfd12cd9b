import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { canMatchMetric } from './metric-names.js'
import type { AlertRuleOptions, AlertSeverity, MonitorOptions, SystemSource } from './types.js'

/** Defaults of {@link MonitorOptions}, in one place. */
export const DEFAULTS = {
  interval: '1s',
  history: '10m',
  filesystemInterval: '10s',
  eventLoopResolution: 50,
  defaultThresholds: true,
  source: 'auto',
} as const

/**
 * The default alert rules. CPU and memory need a sustained breach so a burst does not page
 * anyone; each has a warning and a critical level with a gap to clear (hysteresis).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, Readonly<AlertRuleOptions>>> = deepFreeze({
  'cpu-high': { metric: 'cpu.total', above: 85, for: '30s', clearAt: 75, severity: 'warning' },
  'cpu-critical': { metric: 'cpu.total', above: 95, for: '30s', clearAt: 85, severity: 'critical' },
  'memory-high': {
    metric: 'memory.usedPercent',
    above: 85,
    for: '30s',
    clearAt: 80,
    severity: 'warning',
  },
  'memory-critical': {
    metric: 'memory.usedPercent',
    above: 95,
    for: '10s',
    clearAt: 90,
    severity: 'critical',
  },
  'disk-high': {
    metric: 'fs.*.usedPercent',
    above: 85,
    for: '1m',
    clearAt: 80,
    severity: 'warning',
  },
  'disk-critical': {
    metric: 'fs.*.usedPercent',
    above: 95,
    for: '10s',
    clearAt: 90,
    severity: 'critical',
  },
  'event-loop-delay-high': {
    metric: 'eventLoop.delay.p99',
    above: 100,
    for: '30s',
    clearAt: 50,
    severity: 'warning',
  },
  'event-loop-delay-critical': {
    metric: 'eventLoop.delay.p99',
    above: 1000,
    for: '10s',
    clearAt: 200,
    severity: 'critical',
  },
})

function deepFreeze<T extends Record<string, object>>(rules: T): Readonly<T> {
  for (const rule of Object.values(rules)) Object.freeze(rule)
  return Object.freeze(rules)
}

/** An alert rule validated, with durations in milliseconds. */
export interface ResolvedRule {
  name: string
  metric: string
  direction: 'above' | 'below'
  threshold: number
  clearAt: number
  forMs: number
  clearForMs: number
  severity: AlertSeverity
}

/** {@link MonitorOptions} validated, with every default applied. */
export interface ResolvedOptions {
  intervalMs: number
  /** Samples each metric's ring holds. */
  capacity: number
  filesystemIntervalMs: number
  filesystems: readonly string[] | undefined
  eventLoopResolutionMs: number
  rules: ResolvedRule[]
  source: SystemSource
}

const SOURCES: readonly SystemSource[] = ['auto', 'proc', 'systeminformation']
const SEVERITIES: readonly AlertSeverity[] = ['warning', 'critical']
const MAX_CAPACITY = 1_000_000

/** Validates options once, at creation, and fills in the defaults. */
export function resolveOptions(options: MonitorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object')
  }
  const intervalMs = parseDuration('interval', options.interval ?? DEFAULTS.interval)
  if (intervalMs < 10) {
    throw new InvalidOptionError('interval', options.interval, 'must be at least 10 ms')
  }
  const historyMs = parseDuration('history', options.history ?? DEFAULTS.history)
  const capacity = Math.ceil(historyMs / intervalMs)
  if (capacity > MAX_CAPACITY) {
    throw new InvalidOptionError(
      'history',
      options.history,
      `holds at most ${MAX_CAPACITY} samples per metric (history / interval)`,
    )
  }
  const filesystemIntervalMs = Math.max(
    intervalMs,
    parseDuration('filesystemInterval', options.filesystemInterval ?? DEFAULTS.filesystemInterval),
  )
  const eventLoopResolutionMs = parseDuration(
    'eventLoopResolution',
    options.eventLoopResolution ?? DEFAULTS.eventLoopResolution,
  )
  if (eventLoopResolutionMs < 1 || eventLoopResolutionMs > 1000) {
    throw new InvalidOptionError(
      'eventLoopResolution',
      options.eventLoopResolution,
      'must be from 1 ms to 1 s',
    )
  }
  const source = options.source ?? DEFAULTS.source
  if (!SOURCES.includes(source)) {
    throw new InvalidOptionError('source', source, `must be one of ${SOURCES.join(', ')}`)
  }
  if (
    options.filesystems !== undefined &&
    (!Array.isArray(options.filesystems) ||
      options.filesystems.some((mount) => typeof mount !== 'string' || !mount.startsWith('/')))
  ) {
    throw new InvalidOptionError(
      'filesystems',
      options.filesystems,
      'must be an array of absolute mount points',
    )
  }
  return {
    intervalMs,
    capacity: Math.max(1, capacity),
    filesystemIntervalMs,
    filesystems: options.filesystems && Array.from<string>(options.filesystems),
    eventLoopResolutionMs,
    rules: resolveRules(options),
    source,
  }
}

function resolveRules(options: MonitorOptions): ResolvedRule[] {
  const thresholds = options.thresholds ?? {}
  if (typeof thresholds !== 'object' || thresholds === null || Array.isArray(thresholds)) {
    throw new InvalidOptionError(
      'thresholds',
      thresholds,
      'expected an object of rules by name, e.g. { "cpu-high": { metric, above, for } }',
    )
  }
  const merged: Record<string, AlertRuleOptions | false> = {
    ...((options.defaultThresholds ?? DEFAULTS.defaultThresholds) ? DEFAULT_THRESHOLDS : {}),
    ...thresholds,
  }
  const rules: ResolvedRule[] = []
  for (const [name, rule] of Object.entries(merged)) {
    if (rule === false) continue
    rules.push(resolveRule(name, rule))
  }
  return rules
}

/** Validates one alert rule; `name` is its key in `thresholds`. */
export function resolveRule(name: string, rule: AlertRuleOptions): ResolvedRule {
  const at = `thresholds.${name}`
  if (typeof rule !== 'object' || rule === null) {
    throw new InvalidOptionError(at, rule, 'expected a rule object or false')
  }
  if (typeof rule.metric !== 'string' || !canMatchMetric(rule.metric)) {
    throw new InvalidOptionError(
      `${at}.metric`,
      rule.metric,
      'must name a metric (e.g. cpu.total, memory.usedPercent, fs.*.usedPercent); see monitor.metrics()',
    )
  }
  const hasAbove = rule.above !== undefined
  const hasBelow = rule.below !== undefined
  if (hasAbove === hasBelow) {
    throw new InvalidOptionError(at, rule.metric, 'give exactly one of above and below')
  }
  const direction = hasAbove ? 'above' : 'below'
  const threshold = finite(`${at}.${direction}`, hasAbove ? rule.above : rule.below)
  const clearAt = rule.clearAt === undefined ? threshold : finite(`${at}.clearAt`, rule.clearAt)
  if (direction === 'above' ? clearAt > threshold : clearAt < threshold) {
    throw new InvalidOptionError(
      `${at}.clearAt`,
      clearAt,
      direction === 'above'
        ? `must not be greater than above (${threshold})`
        : `must not be less than below (${threshold})`,
    )
  }
  const severity = rule.severity ?? 'warning'
  if (!SEVERITIES.includes(severity)) {
    throw new InvalidOptionError(
      `${at}.severity`,
      severity,
      `must be one of ${SEVERITIES.join(', ')}`,
    )
  }
  return {
    name,
    metric: rule.metric,
    direction,
    threshold,
    clearAt,
    forMs: parseDuration(`${at}.for`, rule.for ?? 0, { allowZero: true }),
    clearForMs: parseDuration(`${at}.clearFor`, rule.clearFor ?? 0, { allowZero: true }),
    severity,
  }
}

function finite(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(option, value, 'must be a finite number')
  }
  return value
}
