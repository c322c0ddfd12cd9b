/**
 * A small typed event emitter. Unlike `EventEmitter`, a listener that throws does not stop the
 * others or escape into the timer or GC callback that emitted: it is counted and turned into a
 * process warning.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>()
  listenerErrors = 0

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event)
    if (!set) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    // A wrapper per registration, so the same function registered twice is called twice and
    // each unsubscribe removes its own registration.
    const registration = (payload: never) => listener(payload)
    set.add(registration)
    return () => {
      set.delete(registration)
    }
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]) {
    const set = this.#listeners.get(event)
    if (!set) return
    for (const listener of [...set]) {
      try {
        const result = (listener as (payload: Events[E]) => unknown)(payload)
        if (result instanceof Promise) result.catch((error: unknown) => this.#failed(event, error))
      } catch (error) {
        this.#failed(event, error)
      }
    }
  }

  clear() {
    this.#listeners.clear()
  }

  #failed(event: keyof Events, error: unknown) {
    this.listenerErrors++
    process.emitWarning(
      `A listener of the "${String(event)}" event of @bi-perf/memory threw: ${error instanceof Error ? error.message : String(error)}`,
      { type: 'MemoryListenerWarning', code: 'E_MEMORY_LISTENER' },
    )
  }
}
