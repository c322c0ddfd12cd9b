/** One answered request. */
export interface ResponseEvent {
  /** Epoch ms when the answer arrived. */
  at: number
  /** Which load client sent it (`main`, `edge`, `profile`, `stream`). */
  group: string
  /** What was asked, e.g. `GET /performance/status`. */
  kind: string
  status: number
  latencyMs: number
}

/** One request that got no HTTP answer: a socket error, a timeout, a dropped connection. */
export interface ClientErrorEvent {
  at: number
  group: string
  /** `ECONNRESET`, `request timed out`, `dropped in flight`… */
  code: string
}

/**
 * Everything the load clients saw, in arrival order. Nothing is filtered or retried here: the
 * report classifies the events by phase afterwards.
 *
 * @example
 * const recorder = new Recorder()
 * recorder.response({ at: Date.now(), group: 'main', kind: 'GET /x', status: 200, latencyMs: 3 })
 */
export class Recorder {
  readonly responses: ResponseEvent[] = []
  readonly errors: ClientErrorEvent[] = []
  /** Counted events that are neither answers nor server failures, by description. */
  readonly notes: Record<string, number> = {}
  readonly #errorListeners: ((event: ClientErrorEvent) => void)[] = []

  response(event: ResponseEvent) {
    this.responses.push(event)
  }

  error(event: ClientErrorEvent) {
    this.errors.push(event)
    for (const listener of this.#errorListeners) listener(event)
  }

  note(description: string) {
    this.notes[description] = (this.notes[description] ?? 0) + 1
  }

  /** Calls `listener` on every later error. */
  onError(listener: (event: ClientErrorEvent) => void) {
    this.#errorListeners.push(listener)
  }
}
