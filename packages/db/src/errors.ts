import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/db throws. Match on `code`, which is stable across versions
 * (use `hasErrorCode(error, code)`, which also matches a code from before a rename); messages may
 * improve.
 */
export class DbError extends BiPerfError {
  override name = 'DbError'
}

/**
 * An option passed to `createDatabase` or `configure()` breaks a rule (malformed URL, negative
 * pool size, an unknown option name…).
 */
export class InvalidOptionError extends DbError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `url` or `pool.max`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_DB_INVALID_OPTION',
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

/** A duration (TTL, timeout) is negative, NaN, infinite or an unparsable string. */
export class InvalidDurationError extends DbError {
  override name = 'InvalidDurationError'
  /** Which argument or option held the value, e.g. `ttl` or `pool.idleTimeout`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super('E_DB_INVALID_DURATION', `Invalid ${field} ${describeValue(value)}: ${rule}`, options)
    this.field = field
  }
}

/** An argument of a call breaks a rule (an empty row set, a chunk size of zero…). */
export class InvalidArgumentError extends DbError {
  override name = 'InvalidArgumentError'
  /** The argument, e.g. `rows` or `options.chunkSize`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    super('E_DB_INVALID_ARGUMENT', `Invalid ${field} ${describeValue(value)}: ${rule}`)
    this.field = field
  }

  /** @deprecated Use `field`; `argument` is removed in 0.3.0. */
  get argument(): string {
    return this.field
  }
}

/** `batchInsert` or `copyFrom` named a table that does not exist (in the search path). */
export class UnknownTableError extends DbError {
  override name = 'UnknownTableError'
  readonly table: string

  constructor(table: string) {
    super('E_DB_UNKNOWN_TABLE', `Table "${table}" does not exist (or is not in the search path)`)
    this.table = table
  }
}

/**
 * A row given to `batchInsert` or `copyFrom` has other columns than the first row, or a column
 * the table does not have.
 */
export class MismatchedColumnsError extends DbError {
  override name = 'MismatchedColumnsError'
  readonly table: string
  /** Index of the offending row in the input. */
  readonly rowIndex: number
  /** Columns the row has that it should not. */
  readonly unexpected: readonly string[]
  /** Columns the row lacks. */
  readonly missing: readonly string[]

  constructor(
    table: string,
    rowIndex: number,
    unexpected: readonly string[],
    missing: readonly string[],
    rule: string,
  ) {
    const parts = [
      unexpected.length > 0 ? `unexpected ${unexpected.map((c) => `"${c}"`).join(', ')}` : '',
      missing.length > 0 ? `missing ${missing.map((c) => `"${c}"`).join(', ')}` : '',
    ].filter(Boolean)
    super(
      'E_DB_MISMATCHED_COLUMNS',
      `Row ${rowIndex} for table "${table}" has mismatched columns (${parts.join('; ')}): ${rule}`,
    )
    this.table = table
    this.rowIndex = rowIndex
    this.unexpected = unexpected
    this.missing = missing
  }
}

/** `db.cached()` was given something other than a read (an insert, an update, a raw query…). */
export class NotCacheableError extends DbError {
  override name = 'NotCacheableError'
  /** The operation node kind that was refused, e.g. `InsertQueryNode`. */
  readonly kind: string

  constructor(kind: string, rule: string) {
    super('E_DB_NOT_CACHEABLE', `Cannot cache a ${kind}: ${rule}`)
    this.kind = kind
  }
}

/**
 * No pool connection became free within `pool.connectionTimeout`. Carries the pool counters at
 * the moment of the timeout.
 */
export class PoolTimeoutError extends DbError {
  override name = 'PoolTimeoutError'
  readonly timeoutMs: number
  readonly total: number
  readonly idle: number
  readonly waiting: number
  readonly max: number

  constructor(
    timeoutMs: number,
    pool: { total: number; idle: number; waiting: number; max: number },
    options?: ErrorOptions,
  ) {
    super(
      'E_DB_POOL_TIMEOUT',
      `No database connection became free within ${timeoutMs} ms (pool: ${pool.total}/${pool.max} in use or opening, ${pool.idle} idle, ${pool.waiting} waiting); raise pool.max or pool.connectionTimeout, or find what holds connections`,
      options,
    )
    this.timeoutMs = timeoutMs
    this.total = pool.total
    this.idle = pool.idle
    this.waiting = pool.waiting
    this.max = pool.max
  }
}

/** A connection to the server could not be opened (refused, bad credentials, unknown database). */
export class ConnectionError extends DbError {
  override name = 'ConnectionError'

  constructor(rule: string, options?: ErrorOptions) {
    super('E_DB_CONNECTION', `Cannot connect to the database: ${rule}`, options)
  }
}

/**
 * A feature needs an optional peer dependency that is not installed: `@electric-sql/pglite` for
 * the embedded database (no `url`). `install` is the command that fixes it. A subclass of
 * `ConnectionError`, which it was before it had a class of its own: `instanceof ConnectionError`
 * and `hasErrorCode(error, 'E_DB_CONNECTION')` still match it.
 */
export class MissingPeerError extends ConnectionError {
  override name = 'MissingPeerError'
  // The code of its own, with the one it had before as the legacy code hasErrorCode matches.
  override readonly code: string = 'E_DB_MISSING_PEER'
  override readonly legacyCode: string | undefined = 'E_DB_CONNECTION'
  /** The package to install, e.g. `@electric-sql/pglite`. */
  readonly peer: string
  /** The command that installs it, e.g. `npm install @electric-sql/pglite`. */
  readonly install: string

  constructor(peer: string, rule: string, options?: ErrorOptions) {
    super(rule, options)
    this.peer = peer
    this.install = `npm install ${peer}`
  }
}

/**
 * A query failed on the server. The message and `sql` carry the query shape (placeholders
 * `$1, $2…`), never the parameter values; `cause` is the driver's error.
 */
export class QueryError extends DbError {
  override name = 'QueryError'
  /** The SQL with placeholders. */
  readonly sql: string
  /** The PostgreSQL SQLSTATE, e.g. `42P01`, when the server sent one. */
  readonly sqlState: string | undefined

  constructor(sql: string, sqlState: string | undefined, reason: string, options?: ErrorOptions) {
    super(
      'E_DB_QUERY',
      `Query failed (${sqlState ?? 'no SQLSTATE'}): ${reason} — in: ${shorten(sql)}`,
      options,
    )
    this.sql = sql
    this.sqlState = sqlState
  }
}

/** A query was cancelled on the server: by an AbortSignal, or by `pool.statementTimeout`. */
export class QueryCancelledError extends DbError {
  override name = 'QueryCancelledError'
  readonly sql: string
  /** `signal` for an aborted `withAbortSignal`, `statement-timeout` for the server's limit. */
  readonly reason: 'signal' | 'statement-timeout'

  constructor(sql: string, reason: 'signal' | 'statement-timeout', options?: ErrorOptions) {
    super(
      'E_DB_QUERY_CANCELLED',
      `Query cancelled on the server (${reason === 'signal' ? 'aborted by its AbortSignal' : 'pool.statementTimeout exceeded'}) — in: ${shorten(sql)}`,
      options,
    )
    this.sql = sql
    this.reason = reason
  }
}

/**
 * The embedded PGlite worker did not answer a statement within `embedded.callTimeout`. PGlite
 * cannot interrupt a statement, so it may still finish in the worker; later statements run after
 * it, in order.
 */
export class EmbeddedTimeoutError extends DbError {
  override name = 'EmbeddedTimeoutError'
  /** The SQL with placeholders. */
  readonly sql: string
  readonly timeoutMs: number

  constructor(sql: string, timeoutMs: number) {
    super(
      'E_DB_EMBEDDED_TIMEOUT',
      `PGlite did not answer within ${timeoutMs} ms (embedded.callTimeout); raise it for long statements — in: ${shorten(sql)}`,
    )
    this.sql = sql
    this.timeoutMs = timeoutMs
  }
}

/** The database was used after `close()`. */
export class DatabaseClosedError extends DbError {
  override name = 'DatabaseClosedError'

  constructor() {
    super('E_DB_CLOSED', 'The database is closed; create a new one with createDatabase()')
  }
}

/** Every error class of the package, by name, for `instanceof` checks without deep imports. */
export const errors = {
  DbError,
  InvalidOptionError,
  InvalidDurationError,
  InvalidArgumentError,
  UnknownTableError,
  MismatchedColumnsError,
  NotCacheableError,
  PoolTimeoutError,
  ConnectionError,
  MissingPeerError,
  QueryError,
  QueryCancelledError,
  EmbeddedTimeoutError,
  DatabaseClosedError,
} as const

function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat
}
