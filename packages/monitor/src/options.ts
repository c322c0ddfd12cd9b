import { DEFAULTS, DEFAULT_THRESHOLDS } from './defaults.js'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { canMatchMetric } from './metric-names.js'
import { read } from './option-reader.js'
import type { AlertRuleOptions, AlertSeverity, MonitorOptions, SystemSource } from './types.js'

/** Every option name: the compiler keeps this list in step with {@link MonitorOptions}. */
const OPTION_NAMES = Object.keys({
  interval: true,
  history: true,
  filesystemInterval: true,
  filesystems: true,
  eventLoopResolution: true,
  thresholds: true,
  defaultThresholds: true,
  source: true,
} satisfies Record<keyof MonitorOptions, true>)

/** Every field of an alert rule, kept in step with {@link AlertRuleOptions} the same way. */
const RULE_FIELDS = Object.keys({
  metric: true,
  above: true,
  below: true,
  for: true,
  clearAt: true,
  clearFor: true,
  severity: true,
} satisfies Record<keyof AlertRuleOptions, true>)

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

/**
 * Validates options once, at creation, and fills in the defaults. Unknown option names are
 * rejected (naming the closest valid one), so a typo does not silently keep a default.
 */
export function resolveOptions(options: MonitorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object')
  }
  read.fields('', options, OPTION_NAMES)
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
  const source = read.oneOf('source', options.source ?? DEFAULTS.source, SOURCES)
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
  read.fields(at, rule, RULE_FIELDS)
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
  const severity = read.oneOf(`${at}.severity`, rule.severity ?? 'warning', SEVERITIES)
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

/** A threshold: any finite number, negative included (unlike the toolkit's positive reader). */
function finite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(field, value, 'must be a finite number')
  }
  return value
}
