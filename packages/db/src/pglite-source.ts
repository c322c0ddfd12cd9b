import type { PGlite } from '@electric-sql/pglite'
import { ConnectionError, PoolTimeoutError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import { PoolMetrics } from './pool-metrics.js'
import type { Backend, ConnectionSource } from './tracked-connection.js'
import type { PoolStats } from './types.js'

interface Waiter {
  resolve: (backend: Backend) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/** PGlite's one session. */
class PgliteBackend implements Backend {
  broken = false

  constructor(private readonly db: PGlite) {}

  async query(sql: string, parameters: readonly unknown[]) {
    const result = await this.db.query(sql, parameters as unknown[])
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase()
    return {
      command: command === 'END' ? 'COMMIT' : command,
      rowCount: result.affectedRows ?? null,
      rows: result.rows,
    }
  }

  /** PGlite runs statements synchronously inside this process: there is nothing to interrupt. */
  cancel(): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) as a pool of one: a queue hands the single session
 * to one caller at a time, so a transaction holds it from `begin` to `commit`, and waiting longer
 * than `pool.connectionTimeout` fails with `PoolTimeoutError` like the pg pool does.
 */
export class PgliteSource implements ConnectionSource {
  readonly metrics = new PoolMetrics()
  #db: PGlite | undefined
  #backend: PgliteBackend | undefined
  #busy = false
  readonly #waiters: Waiter[] = []
  #starting: Promise<void> | undefined

  constructor(private readonly options: ResolvedOptions) {}

  init(): Promise<void> {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start() {
    let module: { PGlite: typeof PGlite }
    try {
      module = await import('@electric-sql/pglite')
    } catch (error) {
      this.metrics.connectionsFailed++
      throw new ConnectionError(
        'no url was given, and the embedded default needs @electric-sql/pglite: npm install @electric-sql/pglite',
        { cause: error },
      )
    }
    try {
      const db = new module.PGlite(this.options.dataDir)
      await db.waitReady
      if (this.options.searchPath) await db.exec(`set search_path to ${this.options.searchPath}`)
      this.#db = db
      this.#backend = new PgliteBackend(db)
      this.metrics.connectionsCreated++
    } catch (error) {
      this.metrics.connectionsFailed++
      throw new ConnectionError(`PGlite failed to start: ${String(error)}`, { cause: error })
    }
  }

  acquire(): Promise<Backend> {
    const started = performance.now()
    if (!this.#busy && this.#backend !== undefined) {
      this.#busy = true
      this.metrics.acquired++
      this.metrics.recordWait(performance.now() - started)
      return Promise.resolve(this.#backend)
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (backend) => {
          this.metrics.acquired++
          this.metrics.recordWait(performance.now() - started)
          resolve(backend)
        },
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          this.metrics.acquireTimeouts++
          this.metrics.recordWait(performance.now() - started)
          reject(
            new PoolTimeoutError(this.options.pool.connectionTimeoutMs, {
              total: 1,
              idle: 0,
              waiting: this.#waiters.length,
              max: 1,
            }),
          )
        }, this.options.pool.connectionTimeoutMs).unref(),
      }
      this.#waiters.push(waiter)
    })
  }

  release() {
    const next = this.#waiters.shift()
    if (next === undefined) {
      this.#busy = false
      return
    }
    clearTimeout(next.timer)
    next.resolve(this.#backend!)
  }

  /**
   * Nothing to apply: PGlite is one session whatever `pool.max` and `pool.min` say, and the
   * connection timeout is read from the options on every `acquire()`.
   */
  reconfigure() {}

  stats(): PoolStats {
    const open = this.#backend === undefined ? 0 : 1
    return this.metrics.stats({
      max: 1,
      min: 1,
      total: open,
      idle: open === 1 && !this.#busy ? 1 : 0,
      waiting: this.#waiters.length,
    })
  }

  async destroy(): Promise<void> {
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.reject(new ConnectionError('the database was closed while waiting for PGlite'))
    }
    const db = this.#db
    this.#db = undefined
    this.#backend = undefined
    if (db !== undefined && !db.closed) await db.close()
  }
}
