import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import {
  ConnectionError,
  DatabaseClosedError,
  EmbeddedTimeoutError,
  type DbError,
} from './errors.js'
import {
  startError,
  type PgliteArtifacts,
  type EngineResult,
  type EngineSettings,
  type PgliteEngine,
} from './pglite-engine.js'
import {
  deserializeError,
  type FromWorker,
  type ToWorker,
  type WorkerSettings,
} from './pglite-worker-protocol.js'

/**
 * How long PGlite may take to start in the worker (it compiles its WebAssembly and runs initdb for
 * a new data directory: seconds on a busy machine).
 */
const START_TIMEOUT_MS = 60_000

/** How long `close()` lets the worker close PGlite (flushing `dataDir`) before terminating it. */
const CLOSE_GRACE_MS = 5000

interface Call {
  resolve: (result: EngineResult) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/**
 * PGlite in a `worker_threads` worker (the default, `embedded: { thread: 'worker' }`): statements
 * and their parameters go over the worker's port and rows come back by structured clone, so a
 * long aggregate no longer blocks the event loop that answers requests.
 *
 * Every call settles: with the rows, with the PostgreSQL error (fields intact), with
 * `EmbeddedTimeoutError` after `callTimeoutMs`, with `ConnectionError` when the worker dies, or
 * with `DatabaseClosedError` when `close()` ran first. The worker only keeps the process alive
 * while a call is in flight, as a socket with a pending query would.
 */
export class PgliteWorkerEngine implements PgliteEngine {
  readonly #calls = new Map<number, Call>()
  #nextId = 1
  /** Set once the worker is gone or closing: every later call fails with it. */
  #failure: DbError | undefined
  #closing: Promise<void> | undefined
  #exited = false
  readonly #exit: Promise<void>

  private constructor(
    /** The thread itself; tests terminate it to play a crash. */
    readonly worker: Worker,
    private readonly callTimeoutMs: number,
  ) {
    this.#exit = new Promise((resolve) => worker.once('exit', () => resolve()))
    worker.on('message', (message: FromWorker) => this.#answer(message))
    worker.on('error', (error) => {
      this.#fail(
        new ConnectionError(`the PGlite worker crashed: ${error.message}`, { cause: error }),
      )
    })
    worker.on('messageerror', (error) => {
      this.#fail(
        new ConnectionError('an answer of the PGlite worker could not be read', { cause: error }),
      )
      void worker.terminate()
    })
    worker.on('exit', (code) => {
      this.#exited = true
      this.#fail(new ConnectionError(`the PGlite worker exited (code ${code})`))
    })
  }

  /** Starts the worker and waits until PGlite in it is ready (or failed to start). */
  static async start(settings: EngineSettings, callTimeoutMs: number): Promise<PgliteWorkerEngine> {
    const entry = workerEntry()
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: {
        dataDir: settings.dataDir,
        searchPath: settings.searchPath,
        module: settings.module,
        // Another module than PGlite's own (tests only) gets none of PGlite's compiled files.
        artifacts: settings.module === undefined ? await sharedArtifacts() : undefined,
      } satisfies WorkerSettings,
      name: 'bi-perf-db-pglite',
    })
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new ConnectionError(`PGlite did not start within ${START_TIMEOUT_MS} ms`))
        }, START_TIMEOUT_MS)
        const done = () => {
          clearTimeout(timer)
          worker.off('message', onMessage).off('error', onError).off('exit', onExit)
        }
        const onMessage = (message: FromWorker) => {
          if (message.type === 'ready') {
            done()
            resolve()
          } else if (message.type === 'start-failed') {
            done()
            reject(startError(deserializeError(message.error)))
          }
        }
        const onError = (error: Error) => {
          done()
          reject(startError(error))
        }
        const onExit = (code: number) => {
          done()
          reject(new ConnectionError(`the PGlite worker exited while starting (code ${code})`))
        }
        worker.on('message', onMessage).on('error', onError).on('exit', onExit)
      })
    } catch (error) {
      await worker.terminate()
      throw error
    }
    worker.unref()
    return new PgliteWorkerEngine(worker, callTimeoutMs)
  }

  query(sql: string, parameters: readonly unknown[]): Promise<EngineResult> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => {
      const id = this.#nextId++
      const timer = setTimeout(() => {
        // The statement may still be running in the worker, which cannot be interrupted; later
        // statements queue behind it there, in order, and its answer is dropped when it comes.
        this.#settle(id)?.reject(new EmbeddedTimeoutError(sql, this.callTimeoutMs))
      }, this.callTimeoutMs)
      this.#calls.set(id, { resolve, reject, timer })
      if (this.#calls.size === 1) this.worker.ref()
      try {
        this.#post({ type: 'query', id, sql, parameters })
      } catch (error) {
        // A parameter that cannot be cloned (a function, a class with private state…).
        this.#settle(id)?.reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown() {
    this.#fail(new DatabaseClosedError())
    if (this.#exited) return
    this.worker.ref()
    const closed = new Promise<void>((resolve) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'closed') resolve()
      }
      this.worker.on('message', onMessage)
      void this.#exit.then(resolve)
    })
    this.#post({ type: 'close', id: 0 })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      closed,
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ])
    clearTimeout(timer)
    await this.worker.terminate()
  }

  #post(message: ToWorker) {
    this.worker.postMessage(message)
  }

  #answer(message: FromWorker) {
    if (message.type === 'result') this.#settle(message.id)?.resolve(message.result)
    else if (message.type === 'error')
      this.#settle(message.id)?.reject(deserializeError(message.error))
  }

  /** Removes a call (once) and returns it to be settled; `undefined` when it settled already. */
  #settle(id: number): Call | undefined {
    const call = this.#calls.get(id)
    if (call === undefined) return undefined
    this.#calls.delete(id)
    clearTimeout(call.timer)
    if (this.#calls.size === 0 && this.#closing === undefined) this.worker.unref()
    return call
  }

  /** Fails every call in flight and every later one with `error` (the first failure wins). */
  #fail(error: DbError) {
    this.#failure ??= error
    for (const id of [...this.#calls.keys()]) this.#settle(id)?.reject(this.#failure)
  }
}

let artifacts: Promise<PgliteArtifacts | undefined> | undefined

// The runtime's WebAssembly object; this package's TypeScript lib (ES, no DOM) only types it.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<PgliteArtifacts['pgliteWasmModule']> }
  }
).WebAssembly

/**
 * PGlite's WebAssembly, compiled once for every worker of this process (`WebAssembly.compile`
 * runs on V8's background threads, not on this event loop). `undefined` when PGlite's files are
 * not where its package keeps them: each worker then loads them itself, slower but the same.
 */
function sharedArtifacts(): Promise<PgliteArtifacts | undefined> {
  artifacts ??= (async () => {
    try {
      const entry = pgliteEntry()
      const file = (name: string) => readFile(new URL(name, entry))
      const [pglite, initdb, data] = await Promise.all([
        file('./pglite.wasm'),
        file('./initdb.wasm'),
        file('./pglite.data'),
      ])
      const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
        wasm.compile(pglite),
        wasm.compile(initdb),
      ])
      const fsBundle = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      return { pgliteWasmModule, initdbWasmModule, fsBundle }
    } catch {
      return undefined
    }
  })()
  return artifacts
}

function pgliteEntry(): URL {
  try {
    return new URL(import.meta.resolve('@electric-sql/pglite'))
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
  }
}

/**
 * The worker's file. Built, it is `pglite-worker.js` beside this module in `dist` (a tsup entry of
 * its own). Run from source (vitest, tsx), only `pglite-worker.ts` is there: a small bootstrap
 * registers tsx's loader inside the worker first (Node 20 does not apply `--import` loaders
 * passed in a worker's `execArgv`), then imports it.
 */
function workerEntry(): { script: URL | string; eval: boolean } {
  const built = new URL('./pglite-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(built))) return { script: built, eval: false }
  const source = new URL('./pglite-worker.ts', import.meta.url)
  if (!existsSync(fileURLToPath(source))) {
    throw new ConnectionError(
      `the PGlite worker file pglite-worker.js is missing next to ${fileURLToPath(import.meta.url)}; a bundler that inlines @bi-perf/db must copy it, or use embedded: { thread: 'main' }`,
    )
  }
  const tsx = JSON.stringify(tsxApi())
  return {
    script: `import(${tsx}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(source.href)}))`,
    eval: true,
  }
}

function tsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    // Test runners that transform modules may not offer import.meta.resolve.
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  }
}
