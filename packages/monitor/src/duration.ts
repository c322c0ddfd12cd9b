import type { Duration } from '@bi-perf/internal'
import { read } from './option-reader.js'

// The one `Duration` type, stated in @bi-perf/internal; public here under the package's name.
export type { Duration } from '@bi-perf/internal'

/**
 * Turns a {@link Duration} (milliseconds, or a string such as `'250ms'`, `'90s'`, `'5m'`, `'1h'`,
 * `'7d'`) into milliseconds, or throws an `InvalidDurationError` naming `field` and the
 * rule. The package's option reader (`read.duration`), public under its earlier name.
 *
 * @example
 * parseDuration('interval', '30s') // 30_000
 */
export function parseDuration(
  field: string,
  value: Duration,
  options?: { allowZero?: boolean },
): number {
  return read.duration(field, value, options)
}
