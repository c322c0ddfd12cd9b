interface Flight<T> {
  readonly promise: Promise<T>
  /** Made when the operation first asks for its signal, or when it is aborted before that. */
  controller: AbortController | undefined
  waiters: number
}

/**
 * The signal of a shared operation, made on first call: most operations (cache hits) never need
 * one, and making an `AbortSignal` cost a tenth of a cache hit.
 */
export type FlightSignal = () => AbortSignal

/**
 * Concurrent requests for the same key share one operation. Each caller keeps its own signal:
 * one caller giving up rejects only that caller, and the shared operation is aborted only when
 * every caller has given up.
 */
export class SharedFlights<T> {
  readonly #flights = new Map<string, Flight<T>>()

  /**
   * Joins the running operation for `key`, or starts one with `start`. `onJoin` is called when
   * the caller joined an operation already running.
   */
  run(
    key: string,
    signal: AbortSignal | undefined,
    start: (signal: FlightSignal) => Promise<T>,
    onJoin?: () => void,
  ): Promise<T> {
    let flight = this.#flights.get(key)
    if (flight) onJoin?.()
    else flight = this.#start(key, start)
    return this.#wait(key, flight, signal)
  }

  #start(key: string, start: (signal: FlightSignal) => Promise<T>): Flight<T> {
    const signal = () => (flight.controller ??= new AbortController()).signal
    const flight: Flight<T> = {
      controller: undefined,
      waiters: 0,
      promise: Promise.resolve()
        .then(() => start(signal))
        .finally(() => this.#forget(key, flight)),
    }
    this.#flights.set(key, flight)
    return flight
  }

  #forget(key: string, flight: Flight<T>): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key)
  }

  #wait(key: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiters++
    if (!signal) return flight.promise
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (--flight.waiters === 0) {
          // An abandoned operation must not be joined by later callers.
          this.#forget(key, flight)
          ;(flight.controller ??= new AbortController()).abort(signal.reason)
        }
        reject(abortReason(signal))
      }
      if (signal.aborted) {
        onAbort()
        return
      }
      signal.addEventListener('abort', onAbort, { once: true })
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort)
          resolve(value)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(error instanceof Error ? error : new Error(String(error)))
        },
      )
    })
  }
}

/** Why a signal aborted, as the error to reject with (the reason itself when it is an Error). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error(String(reason))
}
