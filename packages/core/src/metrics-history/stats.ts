/** Statistics of one series over a window, from {@link MetricsHistory.window}. */
export interface WindowStats {
  /** Points in the window. */
  count: number
  /** Time from the first point in the window to the last, in milliseconds; 0 for one point. */
  spanMs: number
  min: number
  max: number
  mean: number
  /** 95th percentile, nearest rank. */
  p95: number
  /** The oldest value in the window. */
  first: number
  /** The newest value in the window. */
  last: number
  /** Least-squares slope, in series units per minute; 0 with fewer than two points. */
  slopePerMinute: number
}
