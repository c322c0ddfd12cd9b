// median and percentile live in the bench harness, shared with every package's bench/.
export { median, percentile } from '@bi-perf/bench'

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
