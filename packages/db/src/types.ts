import type { CompiledQuery, Kysely, KyselyPlugin, SelectQueryNode } from 'kysely'
import type { Duration } from './duration.js'

export type { Duration } from './duration.js'

/**
 * Where `db.cached()` keeps results. `@bi-perf/cache` satisfies it as it is; so does the small
 * in-process store of {@link createMemoryStore}. `get` resolves `undefined` on a miss.
 */
export interface CacheStore {
  get(key: string): Promise<unknown>
  set(
    key: string,
    value: unknown,
    options?: { ttl?: Duration; tags?: readonly string[] },
  ): Promise<void>
  invalidateTags(tags: readonly string[]): Promise<unknown>
}

/**
 * Starting points for the pool settings; any field of {@link PoolOptions} overrides its
 * profile's value.
 * - `web`: many short queries from request handlers — 10 connections, 30 s statement timeout.
 * - `analytics`: few long aggregate queries — 4 connections, 10 min statement timeout.
 * - `serverless`: short-lived processes — 2 connections closed after 1 s idle.
 */
export type PoolProfile = 'web' | 'analytics' | 'serverless'

/** Pool settings (node-postgres `pg.Pool`). PGlite always has exactly one connection. */
export interface PoolOptions {
  /**
   * Which defaults the other fields start from.
   * @default 'web'
   */
  profile?: PoolProfile
  /**
   * Most connections open at once.
   * @default 10 (web), 4 (analytics), 2 (serverless)
   */
  max?: number
  /**
   * Idle connections kept open rather than closed after `idleTimeout`.
   * @default 0
   */
  min?: number
  /**
   * How long a connection may sit idle before it is closed.
   * @default '10s' (web), '60s' (analytics), '1s' (serverless)
   */
  idleTimeout?: Duration
  /**
   * How long a query may wait for a free connection (or for a new one to open) before it fails
   * with `PoolTimeoutError`; never `0`, so an exhausted pool can not hang a request.
   * @default '5s' (web, serverless), '30s' (analytics)
   */
  connectionTimeout?: Duration
  /**
   * Server-side `statement_timeout` of every connection; `0` turns it off. Exceeding it fails the
   * query with `QueryCancelledError` (reason `statement-timeout`). Not applied on PGlite.
   * @default '30s' (web), '10m' (analytics), '10s' (serverless)
   */
  statementTimeout?: Duration
  /**
   * Close a connection after it served this many checkouts (spreads load after failovers and
   * bounds per-backend memory growth); `0` means no limit.
   * @default 7500 (web, serverless), 0 (analytics)
   */
  maxUses?: number
}

/** Where the embedded PGlite runs (only without `url`). */
export interface EmbeddedOptions {
  /**
   * `worker`: PGlite runs in a `worker_threads` worker and statements cross a message port
   * (about 0.1 ms more per statement), so a long query never blocks this thread's event loop.
   * `main`: PGlite runs on the calling thread, as before 0.2; only for environments without
   * worker threads or bundles that cannot ship the worker file.
   * @default 'worker'
   */
  thread?: 'worker' | 'main'
  /**
   * Worker only: how long one statement may take before the call fails
   * with `EmbeddedTimeoutError`, so no call waits forever. PGlite cannot interrupt a statement:
   * it may still finish in the worker, and later statements run after it.
   * @default '60s'
   */
  callTimeout?: Duration
}

/** Options of {@link createDatabase}. Every field is optional. */
export interface DatabaseOptions {
  /**
   * PostgreSQL connection URL (`postgres://` or `postgresql://`). Without it the database is an
   * embedded PGlite (PostgreSQL compiled to WebAssembly, in this process, in a worker thread by
   * default: see {@link EmbeddedOptions}), which needs the optional peer `@electric-sql/pglite`.
   * @default undefined (embedded PGlite)
   */
  url?: string
  /**
   * PGlite only: directory holding the data. Without it PGlite lives in memory.
   * @default undefined (in memory)
   */
  dataDir?: string
  /** PGlite only: where the embedded database runs; see {@link EmbeddedOptions}. */
  embedded?: EmbeddedOptions
  /**
   * `search_path` of every connection, e.g. `'analytics, public'`.
   * @default undefined (the server's default)
   */
  searchPath?: string
  /**
   * `application_name` of every connection, visible in `pg_stat_activity`.
   * @default 'bi-perf-db'
   */
  applicationName?: string
  /** Pool settings; see {@link PoolOptions}. */
  pool?: PoolOptions
  /**
   * Where `db.cached()` keeps results, e.g. a `@bi-perf/cache` instance.
   * @default an in-process store of 1,000 results ({@link createMemoryStore})
   */
  cache?: CacheStore
  /**
   * Narrower invalidation for big tables: `{ prices: 'product_id' }` makes a cached select whose
   * where clause has `product_id = <value>` depend only on that value, and a write whose scope
   * is provable (an insert's values, an update's or delete's `product_id = <value>`) invalidate
   * only those values' reads. Writes of unknown scope (raw SQL, upserts, batch loads, updates of
   * the column itself) still invalidate every read of the table.
   * @default {} (table-level invalidation)
   */
  cacheScopes?: Record<string, string>
  /**
   * Default time to live of `db.cached()` results.
   * @default '1m'
   */
  cacheTtl?: Duration
  /**
   * Queries that take longer than this many milliseconds are kept in `stats().queries.slow`.
   * @default 200
   */
  slowQueryMs?: number
  /**
   * How many slow queries are kept (the oldest go first).
   * @default 100
   */
  maxSlowQueries?: number
  /**
   * Distinct query shapes tracked; queries of further shapes are counted under `(other)`.
   * @default 500
   */
  maxQueryShapes?: number
  /**
   * Length of `stats().queries.top`.
   * @default 10
   */
  topQueries?: number
  /**
   * Kysely plugins (e.g. `CamelCasePlugin`), applied to `db.kysely`.
   * @default []
   */
  plugins?: KyselyPlugin[]
}

/**
 * Settings `db.configure()` changes while the database runs. Every field is optional; an omitted
 * field keeps its current value. The rules are those of {@link DatabaseOptions}.
 */
export interface DatabaseReconfiguration {
  /**
   * Pool settings. On PostgreSQL they apply to the running pool: a raised `max` lets waiting
   * callers open connections at once; after a lowered `max`, connections above it close as they
   * are released. `min` only keeps idle connections from closing (it opens none), and a new
   * `idleTimeout` applies to connections released afterwards. On PGlite, which has exactly one
   * connection, `max` and `min` are validated and ignored; `connectionTimeout` applies.
   */
  pool?: {
    /** @default the current value */
    max?: number
    /** @default the current value */
    min?: number
    /** @default the current value */
    idleTimeout?: Duration
    /** @default the current value */
    connectionTimeout?: Duration
  }
  /**
   * Default time to live of later `db.cached()` results; stored results keep theirs.
   * @default the current value
   */
  cacheTtl?: Duration
  /**
   * Slow-query threshold of later queries, in milliseconds.
   * @default the current value
   */
  slowQueryMs?: number
}

/** The settings in force, as `db.settings()` and `db.configure()` report them. */
export interface DatabaseSettings {
  backend: 'postgres' | 'pglite'
  /** Durations in milliseconds. On PGlite `max` and `min` are 1 and `statementTimeoutMs` is 0. */
  pool: {
    max: number
    min: number
    idleTimeoutMs: number
    connectionTimeoutMs: number
    /** Server-side `statement_timeout` of every connection; 0 when off. Fixed at creation. */
    statementTimeoutMs: number
  }
  /** Default time to live of `db.cached()` results, in milliseconds. */
  cacheTtlMs: number
  slowQueryMs: number
}

/** Options of `db.cached()`. */
export interface CachedOptions {
  /** Time to live; defaults to the database's `cacheTtl`. */
  ttl?: Duration
  /**
   * Extra tags for the entry, added to the tables the query reads (which are always tags, so
   * writes keep invalidating it). Invalidate them with `db.invalidate(tags)`.
   */
  tags?: readonly string[]
}

/** `ON CONFLICT` handling of `batchInsert`. */
export interface OnConflict {
  /** The conflict target: columns of a unique index or the primary key. */
  columns: readonly string[]
  /**
   * `update` turns the insert into an upsert; `nothing` skips conflicting rows.
   * @default 'update'
   */
  action?: 'update' | 'nothing'
  /**
   * Columns to overwrite with the new row's values on conflict.
   * @default every inserted column that is not in `columns`
   */
  update?: readonly string[]
}

/** Options of `db.batchInsert()`. */
export interface BatchInsertOptions {
  /**
   * Rows per statement. With `values` it is lowered to what fits Postgres' 65,535 parameters
   * (`floor(65535 / columns)`).
   * @default 10_000 (unnest), min(5_000, 65535 / columns) (values)
   */
  chunkSize?: number
  /** Optional upsert or skip of conflicting rows. */
  onConflict?: OnConflict
  /**
   * `unnest`: one parameter per column holding an array of the chunk's values,
   * `INSERT … SELECT * FROM unnest($1::type[], …)` (few parameters, near COPY speed, works on
   * PGlite). `values`: classic multi-row `VALUES ($1, $2), …`. Array-typed columns always use
   * `values`.
   * @default 'unnest'
   */
  strategy?: 'unnest' | 'values'
}

/** What `batchInsert` did. */
export interface BatchInsertResult {
  /** Rows inserted or updated, as reported by the server. */
  rows: number
  /** Statements run (all in one transaction). */
  chunks: number
  strategy: 'unnest' | 'values'
}

/** Options of `db.copyFrom()`. */
export interface CopyFromOptions {
  /**
   * Columns to load, in order.
   * @default the keys of the first row
   */
  columns?: readonly string[]
}

/** What `copyFrom` did. */
export interface CopyFromResult {
  /** Rows loaded. */
  rows: number
  /** `copy` on a server; `batch-insert` on PGlite, which has no COPY FROM STDIN. */
  method: 'copy' | 'batch-insert'
}

/** Rows for `batchInsert` and `copyFrom`: plain objects keyed by column name. */
export type Row = Record<string, unknown>

/** Latency percentiles in milliseconds, from a log-bucket histogram (±5 %). */
export interface LatencySummary {
  /** Values recorded. */
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** One bucket of the acquire-wait histogram. */
export interface HistogramBucket {
  /** Upper bound of the bucket in milliseconds (`null` for the last, unbounded one). */
  leMs: number | null
  count: number
}

/** Pool counters; on PGlite a pool of exactly one connection. */
export interface PoolStats {
  /** The configured maximum. */
  max: number
  min: number
  /** Connections open or opening. */
  total: number
  /** Open connections nobody uses. */
  idle: number
  /** Connections checked out. */
  active: number
  /** Callers waiting for a connection. */
  waiting: number
  /** `active / max`, 0…1. */
  saturation: number
  /** Successful checkouts. */
  acquired: number
  /** Checkouts that failed with `PoolTimeoutError`. */
  acquireTimeouts: number
  /** Connections opened since creation. */
  connectionsCreated: number
  /** Attempts to open a connection that failed. */
  connectionsFailed: number
  /** Errors of idle connections (server restarts, terminated backends); the pool drops them. */
  idleErrors: number
  /** Time from asking for a connection to getting it, in milliseconds. */
  acquireWaitMs: LatencySummary
  /** The same waits in fixed buckets (`≤ 0.1, 1, 5, 10, 50, 100, 500, 1000, 5000` ms, more). */
  acquireWaitHistogram: HistogramBucket[]
}

/** Numbers of one query shape (the SQL with placeholders). */
export interface QueryShapeStats {
  /** The SQL with `$1, $2…` placeholders, cut to 2,000 characters; never parameter values. */
  sql: string
  count: number
  errors: number
  totalMs: number
  meanMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
}

/** One query slower than `slowQueryMs`. */
export interface SlowQuery {
  sql: string
  durationMs: number
  /** When it finished, ISO 8601. */
  at: string
  /** The SQLSTATE or error name when it failed, else `null`. */
  error: string | null
}

/** Query instrumentation. */
export interface QueryStats {
  /** Statements run (including `begin`/`commit` and COPY). */
  executed: number
  errors: number
  /** Distinct shapes tracked. */
  shapes: number
  slowQueryMs: number
  /** Shapes with the most total time, longest first. */
  top: QueryShapeStats[]
  /** The most recent slow queries, oldest first. */
  slow: SlowQuery[]
}

/** `db.cached()` counters. */
export interface QueryCacheStats {
  /** Results served from the store. */
  hits: number
  /** Results that had to be queried. */
  misses: number
  /** `hits / (hits + misses)`, 0 when nothing was asked. */
  hitRate: number
  /** Calls that joined a query already running for the same key. */
  coalesced: number
  /** Results written to the store. */
  stored: number
  /** Results not stored because a write invalidated their tables while they ran. */
  skippedStale: number
  /** Calls inside a transaction, which bypass the cache. */
  bypassed: number
  /** `invalidateTags` calls made after writes (or by `db.invalidate`). */
  invalidations: number
  /** Store calls (`get`, `set`, `invalidateTags`) that threw; the query still answers. */
  storeErrors: number
}

/** Everything `db.stats()` reports: plain, serializable numbers. */
export interface DatabaseStats {
  backend: 'postgres' | 'pglite'
  pool: PoolStats
  queries: QueryStats
  cache: QueryCacheStats
  transactions: {
    committed: number
    rolledBack: number
  }
}

/** What `db.health()` found. */
export interface HealthReport {
  /**
   * `down`: `SELECT 1` failed or timed out. `degraded`: it answered, but the pool is saturated
   * (≥ 90 % in use, or callers waiting) or the round trip took longer than `slowQueryMs`.
   */
  status: 'ok' | 'degraded' | 'down'
  backend: 'postgres' | 'pglite'
  /** Round trip of `SELECT 1` in milliseconds, `null` when it failed. */
  latencyMs: number | null
  /** `server_version`, `null` when unreachable. */
  serverVersion: string | null
  pool: { total: number; idle: number; waiting: number; max: number; saturation: number }
  /** Why the status is not `ok`. */
  reasons: string[]
  /** ISO 8601. */
  checkedAt: string
}

/**
 * A read query `db.cached()` accepts: a Kysely select (or union) builder. Insert, update, delete
 * and merge builders do not fit the type (their operation node is not a `SelectQueryNode`).
 */
export interface CacheableQuery<O> {
  compile(): CompiledQuery<O>
  execute(): Promise<O[]>
  toOperationNode(): SelectQueryNode
}

/** The object {@link createDatabase} returns. */
export interface Database<DB> {
  /** The typed Kysely instance; every write through it invalidates cached reads of its tables. */
  readonly kysely: Kysely<DB>
  /** Which engine runs underneath. */
  readonly backend: 'postgres' | 'pglite'
  /**
   * Runs a select through the cache. The key hashes the compiled SQL and its parameters; the
   * tags are the tables the query reads, plus `options.tags`. Concurrent misses of one key run
   * one query. Inside a transaction it runs the query uncached.
   */
  cached<O>(query: CacheableQuery<O>, options?: CachedOptions): Promise<O[]>
  /** Inserts many rows in chunks, in one transaction. */
  batchInsert(
    table: string,
    rows: readonly Row[],
    options?: BatchInsertOptions,
  ): Promise<BatchInsertResult>
  /** Loads rows with `COPY … FROM STDIN`; on PGlite falls back to `batchInsert`. */
  copyFrom(
    table: string,
    rows: Iterable<Row> | AsyncIterable<Row>,
    options?: CopyFromOptions,
  ): Promise<CopyFromResult>
  /**
   * Runs `fn`; any query it starts that is still running when `signal` aborts is cancelled on
   * the server and rejects with `QueryCancelledError` (Kysely 0.28 has no per-query signal).
   */
  withAbortSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T>
  /** Invalidates cached results by tag: `tableTag(name)` for a table, or your own tags. */
  invalidate(tags: readonly string[]): Promise<void>
  stats(): DatabaseStats
  /**
   * Changes pool limits, the default cache TTL or the slow-query threshold while the database
   * runs, and returns the settings now in force. Everything is validated first, with the rules
   * and errors of `createDatabase` (`InvalidOptionError`, `InvalidDurationError`); a call that
   * throws changes nothing. See {@link DatabaseReconfiguration} for when each change takes effect.
   *
   * @example
   * const settings = db.configure({ pool: { max: 20 }, cacheTtl: '5m' })
   * console.log(settings.pool.max, db.stats().pool.max) // 20 20
   */
  configure(changes: DatabaseReconfiguration): DatabaseSettings
  /** The settings in force. */
  settings(): DatabaseSettings
  health(options?: { timeout?: Duration }): Promise<HealthReport>
  /** Idempotent: closes the pool (or PGlite); later calls fail with `DatabaseClosedError`. */
  close(): Promise<void>
}
