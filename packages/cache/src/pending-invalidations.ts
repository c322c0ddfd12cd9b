import type { Invalidation } from './invalidation-bus.js'

/**
 * Deletes, clears and tag invalidations made while Redis was unreachable, in order, to replay
 * when it returns so a deleted value cannot come back. Past `limit` the journal collapses into
 * one clear of everything, which is always safe.
 */
export class PendingInvalidations {
  #items: Invalidation[] = []
  #clearAll = false

  constructor(
    private readonly limit: number,
    private readonly everything: string,
  ) {}

  add(invalidation: Invalidation) {
    if (this.#clearAll) return
    if (this.#items.length >= this.limit) {
      this.#clearAll = true
      this.#items = [{ kind: 'pattern', pattern: this.everything }]
      return
    }
    this.#items.push(invalidation)
  }

  get size(): number {
    return this.#items.length
  }

  /** The oldest pending invalidation, left in place until {@link shift} confirms it ran. */
  peek(): Invalidation | undefined {
    return this.#items[0]
  }

  shift() {
    this.#items.shift()
    if (this.#items.length === 0) this.#clearAll = false
  }
}
