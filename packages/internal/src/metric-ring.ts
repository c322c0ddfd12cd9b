/**
 * A fixed-size ring of timestamped values in two typed arrays: 16 bytes a point, no objects and
 * no garbage per point, whatever the retention. The oldest point goes once the ring is full.
 * Shared by the monitor's history and core's metrics history.
 */
export class MetricRing {
  readonly capacity: number
  readonly #times: Float64Array
  readonly #values: Float64Array
  /** Index the next point goes to. */
  #head = 0
  #size = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.#times = new Float64Array(capacity)
    this.#values = new Float64Array(capacity)
  }

  /** Points held, at most `capacity`. */
  get size(): number {
    return this.#size
  }

  push(time: number, value: number): void {
    this.#times[this.#head] = time
    this.#values[this.#head] = value
    this.#head = (this.#head + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
  }

  /** The newest value, `undefined` while empty. */
  last(): number | undefined {
    if (this.#size === 0) return undefined
    return this.#values[(this.#head - 1 + this.capacity) % this.capacity]
  }

  /**
   * Copies the points newer than `after` into `times` and `values`, oldest first, and returns
   * how many there are. Both arrays must hold `size` entries.
   */
  copySince(after: number, times: Float64Array, values: Float64Array): number {
    // Points are pushed in time order, so walk back from the newest to the window's start.
    let count = 0
    while (count < this.#size) {
      const index = (this.#head - 1 - count + this.capacity) % this.capacity
      if (!(this.#times[index]! > after)) break
      count++
    }
    for (let offset = 0; offset < count; offset++) {
      const index = (this.#head - count + offset + this.capacity) % this.capacity
      times[offset] = this.#times[index]!
      values[offset] = this.#values[index]!
    }
    return count
  }
}
