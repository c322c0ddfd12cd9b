interface Flight<T> {
  readonly promise: Promise<T>
  readonly controller: AbortController
  waiters: number
}

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
    start: (signal: AbortSignal) => Promise<T>,
    onJoin?: () => void,
  ): Promise<T> {
    let flight = this.#flights.get(key)
    if (flight) onJoin?.()
    else flight = this.#start(key, start)
    return this.#wait(flight, signal)
  }

  #start(key: string, start: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController()
    const forget = () => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key)
    }
    // An abandoned operation must not be joined by later callers.
    controller.signal.addEventListener('abort', forget, { once: true })
    const flight: Flight<T> = {
      controller,
      waiters: 0,
      promise: Promise.resolve()
        .then(() => start(controller.signal))
        .finally(forget),
    }
    this.#flights.set(key, flight)
    return flight
  }

  #wait(flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiters++
    if (!signal) return flight.promise
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (--flight.waiters === 0) flight.controller.abort(signal.reason)
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
