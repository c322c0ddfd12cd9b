import { describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/core throws or reports. Match on `code`, which is stable
 * across versions; messages may improve.
 */
export class CoreError extends Error {
  override name = 'CoreError'
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
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

/** An argument of a core function is wrong: a batch size of 0, a non-function loader… */
export class InvalidArgumentError extends CoreError {
  override name = 'InvalidArgumentError'
  /** The argument's name, e.g. `size` or `options.ttl`. */
  readonly argument: string

  constructor(argument: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_CORE_INVALID_ARGUMENT',
      `Invalid argument ${argument} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.argument = argument
  }
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

/** Every error class by name, for `instanceof` checks without importing each one. */
export const errors = {
  CoreError,
  ConfigError,
  ConfigFileError,
  UnknownProfileError,
  InvalidArgumentError,
  ComponentDisabledError,
  OptimizerStateError,
  FetchFailedError,
  BatchChunkError,
} as const
