/**
 * Base class of every error the CLI reports. `code` is stable (`E_CLI_…`); `exitCode` is what the
 * process exits with: 2 for a usage, configuration, connection or credentials problem (the
 * command could not check anything), 1 when the checked thing failed.
 */
export class CliError extends Error {
  override name = 'CliError'
  readonly code: string
  readonly exitCode: 1 | 2

  constructor(code: string, message: string, exitCode: 1 | 2, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.exitCode = exitCode
  }
}

/** A flag or argument breaks a rule commander cannot check (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError'

  constructor(message: string, options?: ErrorOptions) {
    super('E_CLI_USAGE', message, 2, options)
  }
}

/** The API could not be reached or did not answer in time (exit 2). */
export class ConnectionError extends CliError {
  override name = 'ConnectionError'
  /** The URL that was called. */
  readonly url: string

  constructor(url: string, reason: string, fix: string, options?: ErrorOptions) {
    super('E_CLI_CONNECTION', `cannot reach the API at ${url}: ${reason} — ${fix}`, 2, options)
    this.url = url
  }
}

/**
 * `--url` is not the base URL of a bi-perf API: the API's routes answered 404 there (exit 2).
 * The message names a base URL that does answer when one of the URL's parents does.
 */
export class WrongBaseUrlError extends CliError {
  override name = 'WrongBaseUrlError'
  /** The URL given. */
  readonly url: string
  /** A parent of `url` where the API answers, or `null` when none was found. */
  readonly suggestion: string | null

  constructor(url: string, route: string, suggestion: string | null) {
    super(
      'E_CLI_BASE_URL',
      suggestion
        ? `${url} is not the base URL of the API (${route} answered 404) — is ${suggestion} the base URL? Pass --url ${suggestion} or set BI_PERF_URL`
        : `${url} does not look like a bi-perf API (${route} answered 404) — check --url / BI_PERF_URL: the base URL, e.g. http://127.0.0.1:8080`,
      2,
    )
    this.url = url
    this.suggestion = suggestion
  }
}

/** The API answered 401 or 403: the token is missing, expired, badly signed or lacks a role (exit 2). */
export class TokenRejectedError extends CliError {
  override name = 'TokenRejectedError'
  /** The HTTP status, 401 or 403. */
  readonly status: number

  constructor(status: number, reason: string, fix: string) {
    super('E_CLI_TOKEN_REJECTED', `token rejected: ${reason} — ${fix}`, 2)
    this.status = status
  }
}

/** A profile name the optimizer does not know (exit 2). */
export class UnknownProfileError extends CliError {
  override name = 'UnknownProfileError'
  /** The name asked for. */
  readonly profile: string
  /** The profiles that exist. */
  readonly validProfiles: readonly string[]

  constructor(profile: string, validProfiles: readonly string[]) {
    super(
      'E_CLI_UNKNOWN_PROFILE',
      `unknown profile "${profile}": valid profiles are ${validProfiles.join(', ')}`,
      2,
    )
    this.profile = profile
    this.validProfiles = validProfiles
  }
}

/** The bi-perf configuration (file or environment) is invalid or unreadable (exit 2). */
export class ConfigurationError extends CliError {
  override name = 'ConfigurationError'

  constructor(message: string, options?: ErrorOptions) {
    super('E_CLI_CONFIG', message, 2, options)
  }
}

/**
 * The API answered with an error response for a reason other than credentials (exit 1). Named
 * for what it is on the client side: not the API server's own `ApiError`.
 */
export class ApiResponseError extends CliError {
  override name = 'ApiResponseError'
  /** The HTTP status. */
  readonly status: number
  /** The API's error code, e.g. `E_CORE_COMPONENT_DISABLED`, or `null` when the body had none. */
  readonly apiCode: string | null

  /** @param exitCode by default 2 for a 400 (the request was wrong), else 1 */
  constructor(status: number, apiCode: string | null, message: string, exitCode?: 1 | 2) {
    super('E_CLI_API', message, exitCode ?? (status === 400 ? 2 : 1))
    this.status = status
    this.apiCode = apiCode
  }
}

/** The thing the command checks failed: a benchmark regression, a missing component (exit 1). */
export class CheckFailedError extends CliError {
  override name = 'CheckFailedError'

  constructor(message: string) {
    super('E_CLI_CHECK_FAILED', message, 1)
  }
}

/** What each optional dependency of the CLI is for, and what to do instead of installing it. */
const OPTIONAL_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@electric-sql/pglite':
    'the embedded database (no database.url) runs on it; or set database.url (DATABASE_URL) to a PostgreSQL server',
}

/**
 * A local command needs an optional dependency the CLI does not install by itself, such as
 * `@electric-sql/pglite` for the embedded database (exit 2: the command could not run).
 */
export class MissingDependencyError extends CliError {
  override name = 'MissingDependencyError'
  /** The package to install, e.g. `@electric-sql/pglite`. */
  readonly peer: string

  constructor(peer: string, options?: ErrorOptions) {
    const why = OPTIONAL_DEPENDENCIES[peer] ?? 'this command needs it'
    super(
      'E_CLI_MISSING_DEPENDENCY',
      `${peer} is not installed: ${why} — install it where the CLI is: npm install -g ${peer} (or npm install ${peer} in the project)`,
      2,
      options,
    )
    this.peer = peer
  }
}

/**
 * The CLI's error for a library's missing optional peer (`MissingPeerError` of core or db: a
 * code ending in `_MISSING_PEER` and the `peer` to install), or `undefined` for any other error.
 * The libraries' own message says `npm install`; a global CLI needs `npm install -g`.
 *
 * @example
 * const missing = missingDependency(error) // MissingDependencyError for E_DB_MISSING_PEER
 */
export function missingDependency(error: unknown): MissingDependencyError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, peer } = error as { code?: unknown; peer?: unknown }
  if (typeof code !== 'string' || !code.endsWith('_MISSING_PEER') || typeof peer !== 'string') {
    return undefined
  }
  return new MissingDependencyError(peer, { cause: error })
}

/** Every error class of the CLI by name, for `instanceof` checks. */
export const errors = {
  CliError,
  UsageError,
  ConnectionError,
  WrongBaseUrlError,
  TokenRejectedError,
  UnknownProfileError,
  ConfigurationError,
  ApiResponseError,
  CheckFailedError,
  MissingDependencyError,
} as const
