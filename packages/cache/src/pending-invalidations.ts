import type { Invalidation } from './invalidation-bus.js'

/** One journaled invalidation. */
export interface JournalEntry {
  invalidation: Invalidation
  /**
   * Only entries written at or before this time (epoch ms, this instance's clock) are removed on
   * replay, so a later successful write of the same key, by any instance, is never undone.
   */
  before: number
  /** Redis already took it; only the message to other instances was lost. */
  notifyOnly: boolean
}

/**
 * Invalidations Redis or the bus did not take while unreachable: deletes, clears, tag
 * invalidations, writes that may not have landed, and messages that could not be published. In
 * order, to replay when Redis returns so no removed or overwritten value can come back. Past
 * `limit` the journal collapses into one clear of everything written up to its newest entry,
 * which is always safe.
 */
export class PendingInvalidations {
  #items: JournalEntry[] = []
  #clearAll = false

  constructor(
    private readonly limit: number,
    private readonly everything: string,
  ) {}

  add(entry: JournalEntry) {
    if (this.#clearAll) {
      const collapsed = this.#items[0]!
      collapsed.before = Math.max(collapsed.before, entry.before)
      return
    }
    if (this.#items.length >= this.limit) {
      const before = Math.max(entry.before, ...this.#items.map((item) => item.before))
      this.#clearAll = true
      this.#items = [
        { invalidation: { kind: 'pattern', pattern: this.everything }, before, notifyOnly: false },
      ]
      return
    }
    this.#items.push(entry)
  }

  get size(): number {
    return this.#items.length
  }

  /** The oldest pending entry, left in place until {@link shift} confirms it ran. */
  peek(): JournalEntry | undefined {
    return this.#items[0]
  }

  shift() {
    this.#items.shift()
    if (this.#items.length === 0) this.#clearAll = false
  }
}
