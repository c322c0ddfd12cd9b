/**
 * A fixed-size ring of timestamped values in two typed arrays: 16 bytes a sample, no objects and
 * no garbage per sample, whatever the history length.
 */
export class MetricRing {
  readonly capacity: number
  readonly #times: Float64Array
  readonly #values: Float64Array
  /** Index the next value goes to. */
  #head = 0
  #size = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.#times = new Float64Array(capacity)
    this.#values = new Float64Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  push(timestamp: number, value: number): void {
    this.#times[this.#head] = timestamp
    this.#values[this.#head] = value
    this.#head = (this.#head + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
  }

  /**
   * Copies the values newer than `after` into `times` and `values` (oldest first) and returns how
   * many there are. The arrays must hold `size` entries.
   */
  copySince(after: number, times: Float64Array, values: Float64Array): number {
    // Walk back from the newest until the window's start, then copy forwards.
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
