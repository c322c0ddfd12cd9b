/** The median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The nearest-rank percentile (`fraction` 0–1) of `values`; NaN when empty. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)))
  return sorted[rank - 1]!
}

/**
 * How much lower `after` is than `before`, in percent of `before`: 40 means "40 % less" (or "40 %
 * faster" for latencies). Negative when `after` is higher; NaN when `before` is not positive.
 *
 * @example
 * percentLower(100, 60) // 40
 */
export function percentLower(before: number, after: number): number {
  if (!(before > 0)) return Number.NaN
  return ((before - after) / before) * 100
}
