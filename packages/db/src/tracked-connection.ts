import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import { DbError, QueryCancelledError, QueryError } from './errors.js'
import type { QueryCache } from './query-cache.js'
import type { QueryRecorder } from './query-recorder.js'
import { writeTags, type Scopes } from './cache-scopes.js'

/** One server session as the driver sees it: a pg client or the PGlite instance. */
export interface Backend {
  query(
    sql: string,
    parameters: readonly unknown[],
  ): Promise<{ command: string | undefined; rowCount: number | null; rows: unknown[] }>
  /** Cancels the statement this session is running, on the server. */
  cancel(): Promise<void>
  /** Set when the session failed in a way that makes it unusable; the pool then drops it. */
  broken: boolean
}

/** Where connections come from: the pg pool or PGlite's single session. */
export interface ConnectionSource {
  init(): Promise<void>
  acquire(): Promise<Backend>
  release(backend: Backend): void
  /** The pool settings in the shared options changed (`configure()`); apply them. */
  reconfigure(): void
  destroy(): Promise<void>
}

/** What connections report to. */
export interface Runtime {
  cache: QueryCache
  recorder: QueryRecorder
  transactions: { committed: number; rolledBack: number }
  scopes: Scopes
}

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

/**
 * A Kysely connection that times every statement, turns driver errors into typed ones carrying
 * the SQL shape, and collects the tables each write touches: invalidated at once outside a
 * transaction, at commit inside one, never after a rollback.
 */
export class TrackedConnection implements DatabaseConnection {
  /** Tags written per open savepoint level; empty outside a transaction. */
  #levels: { name: string | undefined; tags: Set<string> }[] = []

  constructor(
    readonly backend: Backend,
    private readonly runtime: Runtime,
  ) {}

  get inTransaction(): boolean {
    return this.#levels.length > 0
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const context = this.runtime.cache.context.getStore()
    if (context !== undefined && this.inTransaction) context.ranInTransaction = true
    const signal = context?.signal
    if (signal?.aborted) {
      throw new QueryCancelledError(compiled.sql, 'signal', { cause: signal.reason })
    }
    const onAbort = () => void this.backend.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    const started = performance.now()
    let result: Awaited<ReturnType<Backend['query']>>
    try {
      result = await this.backend.query(compiled.sql, compiled.parameters)
    } catch (error) {
      const typed = this.#translate(error, compiled.sql, signal)
      this.runtime.recorder.record(
        compiled.sql,
        performance.now() - started,
        typed instanceof QueryError ? (typed.sqlState ?? typed.code) : typed.code,
      )
      throw typed
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
    this.runtime.recorder.record(compiled.sql, performance.now() - started, null)
    const written = writes(compiled, this.runtime.scopes)
    if (written.length > 0) {
      if (this.inTransaction) {
        const level = this.#levels[this.#levels.length - 1]!
        for (const tag of written) level.tags.add(tag)
      } else {
        await this.runtime.cache.invalidate(written)
      }
    }
    const command = result.command?.toUpperCase()
    if (command === 'COMMIT' || command === 'ROLLBACK') return { rows: [{ command }] as R[] }
    return {
      numAffectedRows:
        command !== undefined && AFFECTING.has(command) ? BigInt(result.rowCount ?? 0) : undefined,
      rows: result.rows as R[],
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    const error = new DbError(
      'E_DB_UNSUPPORTED',
      'Streaming queries are not supported; page with limit/offset or keyset pagination',
    )
    return {
      next: () => Promise.reject(error),
      [Symbol.asyncIterator]() {
        return this
      },
    }
  }

  /** Starts collecting written tables (after `begin` succeeded). */
  begin() {
    this.#levels = [{ name: undefined, tags: new Set() }]
  }

  /** Ends the transaction and returns the tags its writes invalidate. */
  end(): string[] {
    const tags = new Set<string>()
    for (const level of this.#levels) for (const tag of level.tags) tags.add(tag)
    this.#levels = []
    return [...tags]
  }

  savepoint(name: string) {
    this.#levels.push({ name, tags: new Set() })
  }

  /** Writes after the savepoint are undone, so they invalidate nothing. */
  rollbackToSavepoint(name: string) {
    const index = this.#levels.findLastIndex((level) => level.name === name)
    if (index > 0) {
      this.#levels.length = index + 1
      this.#levels[index]!.tags.clear()
    }
  }

  releaseSavepoint(name: string) {
    const index = this.#levels.findLastIndex((level) => level.name === name)
    if (index <= 0) return
    const into = this.#levels[index - 1]!
    for (const level of this.#levels.splice(index)) {
      for (const tag of level.tags) into.tags.add(tag)
    }
  }

  #translate(error: unknown, sql: string, signal: AbortSignal | undefined): DbError {
    if (error instanceof DbError) return error
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
    const text = typeof message === 'string' ? message : String(error)
    if (sqlState === undefined || sqlState.startsWith('08') || sqlState.startsWith('57P')) {
      this.backend.broken = true
    }
    if (sqlState === '57014') {
      if (signal?.aborted) return new QueryCancelledError(sql, 'signal', { cause: error })
      if (/statement timeout/i.test(text)) {
        return new QueryCancelledError(sql, 'statement-timeout', { cause: error })
      }
    }
    return new QueryError(sql, sqlState, text, { cause: error })
  }
}

function writes(compiled: CompiledQuery, scopes: Scopes): string[] {
  const node = compiled.query
  // The common read has no CTE that could hide a write: skip the tree walk.
  if (node.kind === 'SelectQueryNode' && node.with === undefined) return []
  return writeTags(node, compiled.sql, scopes)
}

/** A Kysely driver over a {@link ConnectionSource} that keeps the transaction bookkeeping. */
export class TrackingDriver implements Driver {
  readonly #connections = new WeakMap<Backend, TrackedConnection>()

  constructor(
    private readonly source: ConnectionSource,
    private readonly runtime: Runtime,
  ) {}

  init(): Promise<void> {
    return this.source.init()
  }

  async acquireConnection(): Promise<TrackedConnection> {
    const backend = await this.source.acquire()
    let connection = this.#connections.get(backend)
    if (connection === undefined) {
      connection = new TrackedConnection(backend, this.runtime)
      this.#connections.set(backend, connection)
    }
    return connection
  }

  async beginTransaction(connection: TrackedConnection, settings: TransactionSettings) {
    let sql = 'begin'
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction'
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`
      if (settings.accessMode) sql += ` ${settings.accessMode}`
    }
    await connection.executeQuery(CompiledQuery.raw(sql))
    connection.begin()
  }

  async commitTransaction(connection: TrackedConnection) {
    const { rows } = await connection.executeQuery<{ command?: string }>(
      CompiledQuery.raw('commit'),
    )
    const tags = connection.end()
    // PostgreSQL answers COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    if (rows[0]?.command === 'ROLLBACK') {
      this.runtime.transactions.rolledBack++
      throw new AbortedTransactionError()
    }
    this.runtime.transactions.committed++
    await this.runtime.cache.invalidate(tags)
  }

  async rollbackTransaction(connection: TrackedConnection) {
    connection.end()
    this.runtime.transactions.rolledBack++
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'))
    } catch (error) {
      connection.backend.broken = true
      throw error
    }
  }

  async savepoint(connection: TrackedConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`))
    connection.savepoint(name)
  }

  async rollbackToSavepoint(connection: TrackedConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`))
    connection.rollbackToSavepoint(name)
  }

  async releaseSavepoint(connection: TrackedConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`))
    connection.releaseSavepoint(name)
  }

  releaseConnection(connection: TrackedConnection): Promise<void> {
    if (connection.inTransaction) {
      // Released with a transaction still open (the caller lost track): do not reuse the session.
      connection.end()
      connection.backend.broken = true
    }
    this.source.release(connection.backend)
    return Promise.resolve()
  }

  destroy(): Promise<void> {
    return this.source.destroy()
  }
}

/** Quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
