import type { PGlite } from '@electric-sql/pglite'
import { ConnectionError, MissingPeerError } from './errors.js'

/** What one statement on PGlite returns, as the connection needs it. */
export interface EngineResult {
  rows: unknown[]
  affectedRows: number | null
}

/**
 * A running PGlite: in this thread or in a worker thread. Statements run one after another in the
 * order they were sent; the source above hands the single session to one caller at a time.
 */
export interface PgliteEngine {
  query(sql: string, parameters: readonly unknown[]): Promise<EngineResult>
  /** Idempotent: stops PGlite (flushing `dataDir`), rejects calls still waiting. */
  close(): Promise<void>
}

/** Where PGlite keeps its data and the session settings, as both engines start it. */
export interface EngineSettings {
  dataDir: string | undefined
  searchPath: string | undefined
  /**
   * The module that provides PGlite; only tests name another, to start without the optional
   * peer as a user who did not install it does.
   * @default '@electric-sql/pglite'
   */
  module?: string | undefined
}

/** The optional peer the embedded database runs on. */
export const PGLITE_PEER = '@electric-sql/pglite'

/**
 * PGlite's WebAssembly compiled once per process, and its file-system bundle read once, handed
 * to every worker: without them each worker compiles 9 MB of WebAssembly again (seconds).
 */
export interface PgliteArtifacts {
  pgliteWasmModule: WebAssembly.Module
  initdbWasmModule: WebAssembly.Module
  fsBundle: ArrayBuffer
}

/** The message users get when the optional peer is missing, from either engine. */
export const MISSING_PGLITE = `no url was given, and the embedded default needs ${PGLITE_PEER}: npm install ${PGLITE_PEER}`

/**
 * Opens PGlite and applies the session settings; shared by the main-thread engine and the worker,
 * so both start the database the same way. Throws the import error tagged `missingModule`.
 */
export async function openPglite(
  settings: EngineSettings,
  artifacts?: PgliteArtifacts,
): Promise<PGlite> {
  let module: { PGlite: typeof PGlite }
  try {
    // The literal specifier stays, so bundlers and file tracers still see the dependency.
    module =
      settings.module === undefined
        ? await import('@electric-sql/pglite')
        : ((await import(settings.module)) as { PGlite: typeof PGlite })
  } catch (error) {
    throw Object.assign(new Error(MISSING_PGLITE, { cause: error }), { missingModule: true })
  }
  const db = new module.PGlite(
    settings.dataDir,
    artifacts && {
      pgliteWasmModule: artifacts.pgliteWasmModule,
      initdbWasmModule: artifacts.initdbWasmModule,
      fsBundle: new Blob([artifacts.fsBundle]),
    },
  )
  await db.waitReady
  if (settings.searchPath) await db.exec(`set search_path to ${settings.searchPath}`)
  return db
}

/**
 * PGlite on the calling thread (`embedded: { thread: 'main' }`): no message passing, but every
 * statement blocks this thread's event loop while the WebAssembly runs.
 */
export async function startPgliteInThread(settings: EngineSettings): Promise<PgliteEngine> {
  let db: PGlite
  try {
    db = await openPglite(settings)
  } catch (error) {
    throw startError(error)
  }
  return {
    async query(sql, parameters) {
      const result = await db.query(sql, parameters as unknown[])
      return { rows: result.rows, affectedRows: result.affectedRows ?? null }
    },
    async close() {
      if (!db.closed) await db.close()
    },
  }
}

/** The typed error of a PGlite that failed to start, from either engine. */
export function startError(error: unknown): ConnectionError {
  if ((error as { missingModule?: boolean } | null)?.missingModule) {
    return new MissingPeerError(PGLITE_PEER, MISSING_PGLITE, { cause: (error as Error).cause })
  }
  const reason = error instanceof Error ? error.message : String(error)
  return new ConnectionError(`PGlite failed to start: ${reason}`, { cause: error })
}
