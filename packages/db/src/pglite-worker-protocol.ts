import type { EngineResult, EngineSettings, PgliteArtifacts } from './pglite-engine.js'

/** `workerData` of the PGlite worker. */
export interface WorkerSettings extends EngineSettings {
  /** Absent when they could not be prepared: the worker then loads PGlite's files itself. */
  artifacts: PgliteArtifacts | undefined
}

/** Messages the main thread sends the worker. */
export type ToWorker =
  | { type: 'query'; id: number; sql: string; parameters: readonly unknown[] }
  | { type: 'close'; id: number }

/** Messages the worker sends back. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'start-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: EngineResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed'; id: number }

/**
 * An error as it crosses the thread boundary. The structured clone of an `Error` keeps only its
 * message and stack, so the PostgreSQL fields (`code` = SQLSTATE, `constraint`, `detail`…) are
 * copied one by one; `params` and `queryOptions` stay behind (values, and functions that cannot
 * be cloned).
 */
export interface SerializedError {
  name: string
  message: string
  stack: string | undefined
  fields: Record<string, string | number | boolean>
  missingModule?: boolean
}

const LEFT_BEHIND = new Set(['params', 'queryOptions', 'message', 'stack', 'name'])

/** Copies an error's message and its primitive own fields. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), stack: undefined, fields: {} }
  }
  const fields: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(error)) {
    if (LEFT_BEHIND.has(key)) continue
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      fields[key] = value
    }
  }
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    fields,
    ...((error as { missingModule?: boolean }).missingModule ? { missingModule: true } : {}),
  }
}

/**
 * The error again, on the main thread: an `Error` with the same name, message and fields (so
 * `code` still holds e.g. `23505`), whose stack is the worker's.
 */
export function deserializeError(serialized: SerializedError): Error {
  const error = Object.assign(new Error(serialized.message), serialized.fields)
  Object.defineProperty(error, 'name', { value: serialized.name, configurable: true })
  if (serialized.stack !== undefined) error.stack = serialized.stack
  if (serialized.missingModule) Object.assign(error, { missingModule: true })
  return error
}
