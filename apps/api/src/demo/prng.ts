/**
 * A small seeded pseudo-random generator (mulberry32): the demo dataset must come out identical on
 * every run, so its numbers can be compared between runs and asserted in tests.
 *
 * @example
 * const random = createRandom(42)
 * random.next() // 0 ≤ x < 1, the same sequence for the same seed
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** One element of a non-empty list, weighted by `weights` (same length). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T
  /** A normally distributed value with mean 0 and standard deviation 1 (Box–Muller). */
  gaussian(): number
}

/**
 * Creates a {@link Random} from a 32-bit seed.
 *
 * @example
 * const random = createRandom(7)
 * const sector = random.pick(['Energy', 'Retail'])
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items, weights) => {
      const total = weights.reduce((sum, weight) => sum + weight, 0)
      let roll = next() * total
      for (let index = 0; index < items.length; index++) {
        roll -= weights[index]!
        if (roll < 0) return items[index]!
      }
      return items[items.length - 1]!
    },
    gaussian: () => {
      // 1 - next() keeps the logarithm's argument above zero.
      const u = 1 - next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
  }
}
