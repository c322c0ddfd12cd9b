import { deepFreeze } from '@bi-perf/internal'
import type { AlertRuleOptions, MonitorOptions } from './types.js'

// Data only, importing nothing at run time but the freezer: core's config schema loads this file
// (`@bi-perf/monitor/defaults`) without loading the package.

/**
 * The default of every {@link MonitorOptions} field that has a fixed one, under the option's name.
 * Frozen; `createMonitor` and core's config schema both read it, so a default is stated here
 * only. `filesystems` is absent: by default it is every real filesystem of the running machine.
 * The default alert rules are {@link DEFAULT_THRESHOLDS}; `thresholds` adds to them.
 *
 * @example
 * import { DEFAULTS } from '@bi-perf/monitor'
 * DEFAULTS.interval // '1s'
 */
export const DEFAULTS = deepFreeze({
  /** How often a sample is taken. */
  interval: '1s',
  /** How far back the history rings reach. */
  history: '10m',
  /** How often filesystem sizes are read. */
  filesystemInterval: '10s',
  /** Resolution of the event-loop delay histogram, in milliseconds. */
  eventLoopResolution: 50,
  /** No rules beyond the defaults. */
  thresholds: {},
  /** Start from the default rules. */
  defaultThresholds: true,
  /** Read `/proc` where it exists, else systeminformation. */
  source: 'auto',
} as const satisfies MonitorOptions)

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
