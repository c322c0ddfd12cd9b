import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/core throws or reports. Match on `code`, which is stable
 * across versions (messages may improve), with `hasErrorCode(error, code)`, which also matches
 * the `legacyCode` an error had before its code was aligned with the other packages.
 */
export class CoreError extends BiPerfError {
  override name = 'CoreError'
}

/** One rule a configuration value breaks, and where that value came from. */
export interface ConfigIssue {
  /** Dotted path of the setting, e.g. `cache.l1.maxBytes`. */
  path: string
  /** The rule, e.g. `must be a positive integer`. */
  rule: string
  /**
   * Where the value came from: `bi-perf.yaml:12:5` (file, line, column), `env BI_PERF_CACHE_TTL`,
   * or `default`.
   */
  source: string
}

/**
 * The configuration is invalid. `issues` lists every broken rule (not just the first), each
 * with its setting's path and where the value came from. Secret values are never echoed.
 */
export class ConfigError extends CoreError {
  override name = 'ConfigError'
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.rule} (from ${issue.source})`)
    super(
      'E_CORE_INVALID_CONFIG',
      `Invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
      options,
    )
    this.issues = issues
  }
}

/** A configuration file could not be read or is not valid YAML. */
export class ConfigFileError extends CoreError {
  override name = 'ConfigFileError'
  /** The file's path. */
  readonly file: string

  constructor(file: string, reason: string, options?: ErrorOptions) {
    super('E_CORE_CONFIG_FILE', `Cannot read configuration file ${file}: ${reason}`, options)
    this.file = file
  }
}

/** A profile name that is not one of the built-in profiles. */
export class UnknownProfileError extends CoreError {
  override name = 'UnknownProfileError'
  /** The name asked for. */
  readonly profile: string
  /** The profiles that exist. */
  readonly validProfiles: readonly string[]

  constructor(profile: unknown, validProfiles: readonly string[]) {
    super(
      'E_CORE_UNKNOWN_PROFILE',
      `Unknown profile ${describeValue(profile)}: expected one of ${validProfiles.join(', ')}`,
    )
    this.profile = String(profile)
    this.validProfiles = validProfiles
  }
}

const INVALID_ARGUMENT = 'E_CORE_INVALID_ARGUMENT'

/**
 * An argument of a core function is wrong: a non-function loader, a URL that is not http(s)…
 * An invalid option is its subclass {@link InvalidOptionError}, an invalid duration
 * {@link InvalidDurationError}.
 */
export class InvalidArgumentError extends CoreError {
  override name = 'InvalidArgumentError'
  /** The code and the wording of each class; the subclasses differ from this one only there. */
  protected static readonly kind: { code: string; label: string } = {
    code: INVALID_ARGUMENT,
    label: 'argument ',
  }
  /** The argument's or option's name, e.g. `fn`, `url` or `options.ttl`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    const { code, label } = new.target.kind
    // Option and duration errors had this class's code before issue 18: it stays their legacyCode.
    const legacyCode = code === INVALID_ARGUMENT ? undefined : INVALID_ARGUMENT
    super(code, `Invalid ${label}${field} ${describeValue(value)}: ${rule}`, {
      ...options,
      legacyCode,
    })
    this.field = field
  }

  /** @deprecated Use {@link InvalidArgumentError.field}; kept until 0.3.0. */
  get argument(): string {
    return this.field
  }
}

/**
 * An option of a core factory or wrapper is wrong: a batch size of 0, a `cachedFetch` rate of
 * -1… Code `E_CORE_INVALID_OPTION`; it was `E_CORE_INVALID_ARGUMENT` before 0.2.0, which
 * `hasErrorCode` still matches, as `instanceof InvalidArgumentError` does.
 */
export class InvalidOptionError extends InvalidArgumentError {
  override name = 'InvalidOptionError'
  protected static override readonly kind = { code: 'E_CORE_INVALID_OPTION', label: '' }
}

/**
 * A duration is neither milliseconds nor a string such as `'30s'`, or is out of range. Code
 * `E_CORE_INVALID_DURATION`; it was `E_CORE_INVALID_ARGUMENT` before 0.2.0, which `hasErrorCode`
 * still matches, as `instanceof InvalidArgumentError` and `InvalidOptionError` do.
 */
export class InvalidDurationError extends InvalidOptionError {
  override name = 'InvalidDurationError'
  protected static override readonly kind = { code: 'E_CORE_INVALID_DURATION', label: '' }
}

/** A component the call needs was not configured (e.g. `perf.db` without a database section). */
export class ComponentDisabledError extends CoreError {
  override name = 'ComponentDisabledError'
  /** `cache`, `db`, `tasks`, `memory` or `monitor`. */
  readonly component: string

  constructor(component: string) {
    super(
      'E_CORE_COMPONENT_DISABLED',
      `The ${component} component is disabled in this optimizer; enable it in the configuration (${component}.enabled: true)`,
    )
    this.component = component
  }
}

/** The optimizer was used after `stop()`, or before `start()` where starting is required. */
export class OptimizerStateError extends CoreError {
  override name = 'OptimizerStateError'

  constructor(message: string) {
    super('E_CORE_OPTIMIZER_STATE', message)
  }
}

/** A cached fetch failed: the upstream could not be reached or answered in time. */
export class FetchFailedError extends CoreError {
  override name = 'FetchFailedError'
  /** The URL without its query string (query values may carry secrets). */
  readonly url: string

  constructor(url: string, reason: string, options?: ErrorOptions) {
    super('E_CORE_FETCH_FAILED', `GET ${url} failed: ${reason}`, options)
    this.url = url
  }
}

/**
 * A chunk of a `batch()` run failed; the run stopped. `cause` is the chunk's own error, and
 * `chunkIndex` says which chunk (0-based, in input order) it was.
 */
export class BatchChunkError extends CoreError {
  override name = 'BatchChunkError'
  /** The failed chunk's position, 0-based. */
  readonly chunkIndex: number

  constructor(chunkIndex: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_CORE_BATCH_CHUNK_FAILED', `Batch chunk ${chunkIndex} failed: ${reason}`, { cause })
    this.chunkIndex = chunkIndex
  }
}

/**
 * A feature needs an optional peer dependency that is not installed: prom-client for
 * `registerPrometheus`. `install` is the command that fixes it. (The embedded database's peer,
 * `@electric-sql/pglite`, is loaded by `@bi-perf/db`, whose `MissingPeerError` says the same.)
 */
export class MissingPeerError extends CoreError {
  override name = 'MissingPeerError'
  /** The package to install, e.g. `prom-client`. */
  readonly peer: string
  /** What needs it, e.g. `Prometheus export (registerPrometheus)`. */
  readonly feature: string
  /** The command that installs it, e.g. `npm install prom-client`. */
  readonly install: string

  constructor(peer: string, feature: string, options?: ErrorOptions) {
    const install = `npm install ${peer}`
    super(
      'E_CORE_MISSING_PEER',
      `${feature} needs ${peer}, an optional peer dependency that is not installed: ${install}`,
      options,
    )
    this.peer = peer
    this.feature = feature
    this.install = install
  }
}

/** Every error class by name, for `instanceof` checks without importing each one. */
export const errors = {
  CoreError,
  ConfigError,
  ConfigFileError,
  UnknownProfileError,
  InvalidArgumentError,
  InvalidOptionError,
  InvalidDurationError,
  ComponentDisabledError,
  OptimizerStateError,
  FetchFailedError,
  BatchChunkError,
  MissingPeerError,
} as const
