/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence, so a
 * benchmark feeds every contender the same workload and a noisy test replays exactly.
 *
 * @example
 * const next = seededRandom(42)
 * next() // a number in [0, 1), the same on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Zipf(s) over 1…n by inverse CDF: rank k is drawn with weight 1 / k^s, the popularity of keys
 * in a real cache or of queries on a dashboard.
 *
 * @example
 * const rank = zipf(10_000, 1, seededRandom(7))
 * rank() // 1 most often, then 2, …
 */
export function zipf(n: number, s: number, next: () => number): () => number {
  const cdf = new Float64Array(n)
  let total = 0
  for (let k = 1; k <= n; k++) cdf[k - 1] = total += 1 / k ** s
  return () => {
    const target = next() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if (cdf[mid]! < target) low = mid + 1
      else high = mid
    }
    return low + 1
  }
}
