/** How reads are grouped: see `CacheOptions.coalesce`. */
export interface CoalesceSettings {
  /** Milliseconds a batch stays open (0: until the end of the current tick; at most 1). */
  window: number
  /** A batch holding this many keys goes out at once. */
  maxBatch: number
}

/**
 * Reads the keys of one batch; resolves one result per key, in order. Must not reject: a failed
 * read resolves the fallback value for the keys it covered.
 */
export type BatchReader<V> = (keys: string[]) => Promise<V[]>

/** Reads one key; must not reject either. Used when a batch holds a single key. */
export type SingleReader<V> = (key: string) => Promise<V>

/**
 * Groups reads of single keys issued close together into one batch read. A caller gets a promise
 * of its own key's result; the batch goes out at the end of the current tick (`window` 0, after
 * every synchronous caller and the promise jobs they queued had their turn), after `window`
 * milliseconds, or as soon as it holds `maxBatch` keys, whichever is first. A batch of one goes
 * to `readOne` (a plain `GET`), so a lone caller pays one promise and one `nextTick`, no more.
 *
 * @example
 * const reads = new ReadCoalescer(
 *   (keys) => redis.mgetBuffer(keys),
 *   (key) => redis.getBuffer(key),
 *   null,
 *   { window: 0, maxBatch: 256 },
 * )
 * const [a, b] = await Promise.all([reads.get('a'), reads.get('b')]) // one MGET
 */
export class ReadCoalescer<V> {
  #keys: string[] = []
  #waiters: ((value: V) => void)[] = []
  #scheduled = false
  #timer: NodeJS.Timeout | undefined
  readonly #flushNow = () => this.flush()

  constructor(
    private readonly read: BatchReader<V>,
    private readonly readOne: SingleReader<V>,
    private readonly fallback: V,
    private readonly settings: CoalesceSettings,
  ) {}

  /** Queues a read of `key`; resolves with its result (never rejects). */
  get(key: string): Promise<V> {
    return new Promise<V>((resolve) => {
      this.#keys.push(key)
      this.#waiters.push(resolve)
      if (this.#keys.length >= this.settings.maxBatch) this.flush()
      else if (!this.#scheduled) this.#schedule()
    })
  }

  /** Sends the queued reads now (also what `close()` does, so no caller is left waiting). */
  flush() {
    this.#scheduled = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    const keys = this.#keys
    if (keys.length === 0) return
    const waiters = this.#waiters
    this.#keys = []
    this.#waiters = []
    if (keys.length === 1) {
      this.readOne(keys[0]!).then(waiters[0], () => waiters[0]!(this.fallback))
      return
    }
    this.read(keys).then(
      (values) => {
        for (let index = 0; index < waiters.length; index++) waiters[index]!(values[index]!)
      },
      () => {
        for (const resolve of waiters) resolve(this.fallback)
      },
    )
  }

  #schedule() {
    this.#scheduled = true
    // nextTick, not a microtask: it runs once the promise jobs queued so far have run, so
    // callers that reach `get` after an `await` of their own still join the batch.
    if (this.settings.window === 0) process.nextTick(this.#flushNow)
    else this.#timer = setTimeout(this.#flushNow, this.settings.window).unref()
  }
}
