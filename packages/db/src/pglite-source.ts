import { ConnectionError, PoolTimeoutError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import { startPgliteInThread, type PgliteEngine } from './pglite-engine.js'
import { PgliteWorkerEngine } from './pglite-worker-engine.js'
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

  constructor(private readonly engine: PgliteEngine) {}

  async query(sql: string, parameters: readonly unknown[]) {
    const result = await this.engine.query(sql, parameters)
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase()
    return {
      command: command === 'END' ? 'COMMIT' : command,
      rowCount: result.affectedRows ?? null,
      rows: result.rows,
    }
  }

  /** PGlite runs a statement to its end, in this thread or its worker: nothing can interrupt it. */
  cancel(): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) as a pool of one: a queue hands the single session
 * to one caller at a time, so a transaction holds it from `begin` to `commit`, and waiting longer
 * than `pool.connectionTimeout` fails with `PoolTimeoutError` like the pg pool does. PGlite itself
 * runs in a worker thread by default (`embedded.thread`), so the queue stays on this thread and
 * only statements cross to the worker.
 */
export class PgliteSource implements ConnectionSource {
  readonly metrics = new PoolMetrics()
  #engine: PgliteEngine | undefined
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
    const settings = { dataDir: this.options.dataDir, searchPath: this.options.searchPath }
    try {
      const engine =
        this.options.embedded.thread === 'worker'
          ? await PgliteWorkerEngine.start(settings, this.options.embedded.callTimeoutMs)
          : await startPgliteInThread(settings)
      this.#engine = engine
      this.#backend = new PgliteBackend(engine)
      this.metrics.connectionsCreated++
    } catch (error) {
      this.metrics.connectionsFailed++
      throw error
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
    // A start still under way would leave its worker running: wait for it, then close that too.
    await this.#starting?.catch(() => undefined)
    const engine = this.#engine
    this.#engine = undefined
    this.#backend = undefined
    await engine?.close()
  }
}
