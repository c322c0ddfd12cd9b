/**
 * Edge-triggered crossing of one limit. It fires when the ratio reaches the limit while armed,
 * then stays quiet until the ratio falls below `limit - hysteresis` (re-armed) or until
 * `rearmMs` passed with the ratio still at or above the limit.
 */
export class Threshold {
  #armed = true
  #firedAt = 0
  limit: number
  hysteresis: number
  rearmMs: number

  constructor(limit: number, hysteresis: number, rearmMs: number) {
    this.limit = limit
    this.hysteresis = hysteresis
    this.rearmMs = rearmMs
  }

  get armed(): boolean {
    return this.#armed
  }

  /**
   * Feeds one reading; true when it should act now. `canFire` false (an action of this level is
   * still running) defers a firing to a later reading without changing the state.
   */
  update(ratio: number, now: number, canFire = true): boolean {
    if (ratio >= this.limit) {
      const due = this.#armed || now - this.#firedAt >= this.rearmMs
      if (!due || !canFire) return false
      this.#armed = false
      this.#firedAt = now
      return true
    }
    if (!this.#armed && ratio < this.limit - this.hysteresis) this.#armed = true
    return false
  }
}
