import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/monitor throws. Match on `code`, which is stable across
 * versions (use `hasErrorCode(error, code)`, which also matches a code from before a rename);
 * messages may improve.
 */
export class MonitorError extends BiPerfError {
  override name = 'MonitorError'
}

/**
 * An option of `createMonitor` breaks a rule (interval too short, unknown source, an unknown
 * option name…).
 */
export class InvalidOptionError extends MonitorError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `interval` or `thresholds.cpu-high.clearAt`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_MONITOR_INVALID_OPTION',
      `Invalid option ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }

  /** @deprecated Use `field`; `option` is removed in 0.3.0. */
  get option(): string {
    return this.field
  }
}

/** A duration is negative, NaN, infinite or an unparsable string. */
export class InvalidDurationError extends MonitorError {
  override name = 'InvalidDurationError'
  /** Which argument or option held the value, e.g. `interval` or `window`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_MONITOR_INVALID_DURATION',
      `Invalid ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }
}

/** `history()` was asked for a metric the monitor has never recorded. */
export class UnknownMetricError extends MonitorError {
  override name = 'UnknownMetricError'
  /** The name asked for. */
  readonly metric: string

  constructor(metric: unknown, known: readonly string[]) {
    const shown = known.length > 12 ? `${known.slice(0, 12).join(', ')}…` : known.join(', ')
    super(
      'E_MONITOR_UNKNOWN_METRIC',
      `Unknown metric ${describeValue(metric)}: expected one of ${shown || '(none recorded yet)'}`,
    )
    this.metric = String(metric)
  }
}

/** `ingest()` was given something that is not a snapshot, or one older than the last. */
export class InvalidSampleError extends MonitorError {
  override name = 'InvalidSampleError'

  constructor(rule: string) {
    super('E_MONITOR_INVALID_SAMPLE', `Cannot ingest the snapshot: ${rule}`)
  }
}

/** `registerPrometheus` needs prom-client, an optional peer dependency, and it is not installed. */
export class MissingPeerError extends MonitorError {
  override name = 'MissingPeerError'
  /** The package to install. */
  readonly peer: string

  constructor(peer: string, options?: ErrorOptions) {
    super(
      'E_MONITOR_MISSING_PEER',
      `${peer} is not installed: run \`npm install ${peer}\` to use this feature`,
      options,
    )
    this.peer = peer
  }
}

/** `registerPrometheus` was called on a registry that already holds the monitor's metrics. */
export class AlreadyRegisteredError extends MonitorError {
  override name = 'AlreadyRegisteredError'
  /** The first metric found in the registry. */
  readonly metric: string

  constructor(metric: string) {
    super(
      'E_MONITOR_ALREADY_REGISTERED',
      `The registry already has ${metric}: register one monitor per registry, or call the function registerPrometheus returned first`,
    )
    this.metric = metric
  }
}

/** Every error class of the package, by name, for `instanceof` checks without deep imports. */
export const errors = {
  MonitorError,
  InvalidOptionError,
  InvalidDurationError,
  UnknownMetricError,
  InvalidSampleError,
  MissingPeerError,
  AlreadyRegisteredError,
} as const
