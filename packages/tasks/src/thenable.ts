/** Whether a handler's result is a promise (or any thenable) rather than a plain value. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** What a handler threw, as an `Error` (a thrown string becomes its message). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
