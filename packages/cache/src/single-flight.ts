/**
 * Runs at most one operation per key at a time: callers asking for a key that is already in
 * flight share its promise. Used by `getOrSet` so 100 concurrent misses make one loader call.
 */
export class SingleFlight {
  readonly #inFlight = new Map<string, Promise<unknown>>()

  /** The running operation for `key`, if any. */
  current<T>(key: string): Promise<T> | undefined {
    return this.#inFlight.get(key) as Promise<T> | undefined
  }

  /** Starts `operation` for `key` unless one is running; either way returns the shared promise. */
  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key)
    if (running) return running as Promise<T>
    const started = operation().finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, started)
    return started
  }
}
