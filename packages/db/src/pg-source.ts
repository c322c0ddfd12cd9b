import pg from 'pg'
import { ConnectionError, PoolTimeoutError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import { PoolMetrics } from './pool-metrics.js'
import type { Backend, ConnectionSource } from './tracked-connection.js'
import type { PoolStats } from './types.js'

// pg-pool's message when a checkout waited `connectionTimeoutMillis` for a free client.
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect'

/**
 * Hands waiting callers the room a raised `max` made. pg-pool only looks at its queue when a
 * client is released or fails to connect (its private `_pulseQueue`), so without this, waiters
 * would sit until some unrelated release. One pulse serves at most one waiter (opening a client
 * for it while below `max`) and does nothing once the pool is full, so pulse once per waiter.
 * The one place that touches pg-pool internals (checked in pg-pool 3.x); absent, waiters are
 * served on the next release as before.
 */
function serveWaiters(pool: pg.Pool) {
  const internals = pool as unknown as { _pulseQueue?: () => void }
  if (typeof internals._pulseQueue !== 'function') return
  for (let waiting = pool.waitingCount; waiting > 0; waiting--) internals._pulseQueue.call(pool)
}

/** One pooled pg client. */
export class PgBackend implements Backend {
  broken = false

  constructor(
    readonly client: pg.PoolClient,
    private readonly source: PgSource,
  ) {}

  async query(sql: string, parameters: readonly unknown[]) {
    const result = await this.client.query({ text: sql, values: parameters as unknown[] })
    return { command: result.command, rowCount: result.rowCount, rows: result.rows as unknown[] }
  }

  cancel(): Promise<void> {
    const pid = (this.client as unknown as { processID?: number }).processID
    return pid === undefined ? Promise.resolve() : this.source.cancelBackend(pid)
  }
}

/**
 * node-postgres' pool with what it lacks: acquire-wait timing around `connect()`, counters of
 * created and failed connections, typed timeout errors, and error listeners on every client so a
 * server restart drops dead sessions instead of crashing the process.
 */
export class PgSource implements ConnectionSource {
  readonly pool: pg.Pool
  readonly metrics = new PoolMetrics()
  readonly #config: pg.PoolConfig
  readonly #backends = new WeakMap<pg.PoolClient, PgBackend>()

  constructor(private readonly options: ResolvedOptions) {
    const { pool } = options
    this.#config = {
      connectionString: options.url,
      application_name: options.applicationName,
      max: pool.max,
      min: pool.min,
      idleTimeoutMillis: pool.idleTimeoutMs,
      connectionTimeoutMillis: pool.connectionTimeoutMs,
      maxUses: pool.maxUses === 0 ? Infinity : pool.maxUses,
      ...(pool.statementTimeoutMs > 0 ? { statement_timeout: pool.statementTimeoutMs } : {}),
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    }
    this.pool = new pg.Pool(this.#config)
    this.pool.on('connect', () => this.metrics.connectionsCreated++)
    // Without a listener an idle client's error (server restart, pg_terminate_backend) would be
    // an unhandled 'error' event; pg-pool drops the client either way.
    this.pool.on('error', () => this.metrics.idleErrors++)
  }

  init(): Promise<void> {
    return Promise.resolve()
  }

  async acquire(): Promise<PgBackend> {
    const started = performance.now()
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      this.metrics.recordWait(performance.now() - started)
      throw this.#connectError(error)
    }
    this.metrics.recordWait(performance.now() - started)
    this.metrics.acquired++
    let backend = this.#backends.get(client)
    if (backend === undefined) {
      const created = new PgBackend(client, this)
      backend = created
      this.#backends.set(client, created)
      // A checked-out client whose server goes away emits 'error' outside any query.
      client.on('error', () => {
        created.broken = true
      })
    }
    backend.broken = false
    return backend
  }

  release(backend: Backend) {
    const { client, broken } = backend as PgBackend
    // pg-pool keeps every released client; after configure() lowered max, the ones above it
    // close here as they come back instead of waiting for their idle timeout.
    const surplus = this.pool.totalCount > this.options.pool.max
    client.release(broken || surplus ? true : undefined)
  }

  /**
   * Applies the pool limits of the shared options to the running pool. pg-pool reads
   * `options.max`, `min`, `idleTimeoutMillis` and `connectionTimeoutMillis` each time it decides,
   * so updating them is live; callers already waiting are then served if there is room.
   */
  reconfigure() {
    const { pool } = this.options
    Object.assign(this.pool.options, {
      max: pool.max,
      min: pool.min,
      idleTimeoutMillis: pool.idleTimeoutMs,
      connectionTimeoutMillis: pool.connectionTimeoutMs,
    })
    if (this.pool.waitingCount > 0 && !this.pool.ending) serveWaiters(this.pool)
  }

  /** Cancels a backend's running statement from a separate, unpooled session. */
  async cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: `${this.options.applicationName}:cancel`,
      connectionTimeoutMillis: this.options.pool.connectionTimeoutMs,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.query('select pg_cancel_backend($1)', [pid])
    } catch {
      // The statement may have ended meanwhile, or the server be gone: nothing left to cancel.
    } finally {
      await client.end().catch(() => {})
    }
  }

  stats(): PoolStats {
    return this.metrics.stats({
      max: this.options.pool.max,
      min: this.options.pool.min,
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    })
  }

  async destroy(): Promise<void> {
    if (!this.pool.ended) await this.pool.end()
  }

  #connectError(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error)
    if (message === POOL_WAIT_TIMEOUT) {
      this.metrics.acquireTimeouts++
      return new PoolTimeoutError(
        this.options.pool.connectionTimeoutMs,
        {
          total: this.pool.totalCount,
          idle: this.pool.idleCount,
          waiting: this.pool.waitingCount,
          max: this.options.pool.max,
        },
        { cause: error },
      )
    }
    this.metrics.connectionsFailed++
    return new ConnectionError(message, { cause: error })
  }
}
