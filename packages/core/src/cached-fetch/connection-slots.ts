import { abortReason } from './flights.js'

interface Queued {
  grant: (release: () => void) => void
  reject: (reason: unknown) => void
  signal: AbortSignal | undefined
  onAbort: () => void
}

interface Origin {
  busy: number
  queue: Queued[]
}

/**
 * At most `limit` requests in flight per origin, the rest waiting in arrival order: the same bound
 * as the undici pool's connections, held by the client itself so it knows when a request gets a
 * connection. The per-host rate limit is taken after this slot, so its spacing is the spacing of
 * requests actually sent, not of requests admitted to wait for a connection.
 */
export class ConnectionSlots {
  readonly #limit: number
  readonly #origins = new Map<string, Origin>()
  #closed = false

  constructor(limit: number) {
    this.#limit = limit
  }

  /**
   * Resolves with a release function once a request to `origin` may use a connection; rejects
   * with the signal's reason if it aborts first (leaving the queue), or when closed.
   */
  acquire(origin: string, signal?: AbortSignal): Promise<() => void> {
    if (this.#closed) return Promise.reject(new Error('the connection slots are closed'))
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    let state = this.#origins.get(origin)
    if (!state) this.#origins.set(origin, (state = { busy: 0, queue: [] }))
    const entry = state
    if (entry.busy < this.#limit) {
      entry.busy++
      return Promise.resolve(this.#releaser(origin, entry))
    }
    return new Promise((grant, reject) => {
      const queued: Queued = {
        grant,
        reject,
        signal,
        onAbort: () => {
          const at = entry.queue.indexOf(queued)
          if (at !== -1) entry.queue.splice(at, 1)
          if (signal) reject(abortReason(signal))
        },
      }
      signal?.addEventListener('abort', queued.onAbort, { once: true })
      entry.queue.push(queued)
    })
  }

  /** Rejects every waiting request; slots held stay valid until released. */
  close(): void {
    this.#closed = true
    for (const entry of this.#origins.values()) {
      for (const queued of entry.queue.splice(0)) {
        queued.signal?.removeEventListener('abort', queued.onAbort)
        queued.reject(new Error('the connection slots are closed'))
      }
    }
  }

  /** Hands the slot to the next waiter, or frees it; a second call does nothing. */
  #releaser(origin: string, entry: Origin): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = entry.queue.shift()
      if (next) {
        next.signal?.removeEventListener('abort', next.onAbort)
        next.grant(this.#releaser(origin, entry))
        return
      }
      entry.busy--
      // An idle origin is forgotten, so the map holds only origins in use.
      if (entry.busy === 0 && this.#origins.get(origin) === entry) this.#origins.delete(origin)
    }
  }
}
