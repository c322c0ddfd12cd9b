import type { PointsSummary } from '@bi-perf/internal'

/**
 * Statistics of one series over a window, from {@link MetricsHistory.window}: the shared points
 * summary (count, span, min, max, mean, p95, first, last, slope per minute).
 */
export type WindowStats = PointsSummary
