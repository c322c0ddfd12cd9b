import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

/** A seeded source of the soak's random choices; the same seed makes the same choices. */
export interface SoakRandom {
  /** An integer in `[from, to]`. */
  int(from: number, to: number): number
  /** A number in `[0, 1)`. */
  float(): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
}

/**
 * A seeded generator (pure-rand's xoroshiro128+).
 *
 * @example
 * const random = createRandom(42)
 * random.int(1, 6)
 */
export function createRandom(seed: number): SoakRandom {
  const generator = xoroshiro128plus(seed)
  return {
    int: (from, to) => uniformInt(generator, from, to),
    float: () => uniformFloat64(generator),
    pick: (items) => items[uniformInt(generator, 0, items.length - 1)]!,
  }
}
