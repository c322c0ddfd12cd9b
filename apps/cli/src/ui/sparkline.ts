const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const
/** What a series with nothing to compare draws: a line through the middle, neither full nor empty. */
const MID_BAR = BARS[3]

/** Fixed bounds of a sparkline's scale (percentages); a bound left out comes from the values. */
export interface SparklineScale {
  /** @default the smallest value shown */
  min?: number
  /** @default the largest value shown */
  max?: number
}

/** The bounds a sparkline is drawn against, to print beside it. */
export interface SparklineRange {
  min: number
  max: number
  /** No bound was fixed and every value shown is equal: drawn as a flat line through the middle. */
  flat: boolean
}

function shownNumbers(values: readonly (number | null)[], width: number): number[] {
  return values
    .slice(-Math.max(0, width))
    .filter((value): value is number => value !== null && Number.isFinite(value))
}

/**
 * The scale {@link sparkline} draws the last `width` values against: the fixed bounds of `scale`
 * where given, the smallest and largest value shown otherwise; `null` when no value is shown.
 *
 * @example
 * sparklineRange([3, 5, 4], 10) // { min: 3, max: 5, flat: false }
 * sparklineRange([40, 60], 10, { min: 0, max: 100 }) // { min: 0, max: 100, flat: false }
 */
export function sparklineRange(
  values: readonly (number | null)[],
  width: number,
  scale: SparklineScale = {},
): SparklineRange | null {
  const numbers = shownNumbers(values, width)
  if (numbers.length === 0 || width <= 0) return null
  const min = scale.min ?? Math.min(...numbers)
  const max = scale.max ?? Math.max(...numbers)
  return { min, max, flat: max <= min }
}

/**
 * A sparkline of the last `width` values, right-aligned (newest at the right edge), drawn
 * between the bounds of {@link sparklineRange}: `null` values are gaps, missing history is blank,
 * and a series without spread (all values equal, no fixed bounds) is a flat line through the
 * middle rather than a full or an empty bar.
 *
 * @example
 * sparkline([1, 5, 3, null, 8], 6) // ' ▁▅▃ █'
 * sparkline([34, 34, 34], 3) // '▄▄▄'
 */
export function sparkline(
  values: readonly (number | null)[],
  width: number,
  scale: SparklineScale = {},
): string {
  if (width <= 0) return ''
  const shown = values.slice(-width)
  const range = sparklineRange(values, width, scale)
  const bars = shown.map((value) => {
    if (value === null || !Number.isFinite(value) || range === null) return ' '
    if (range.flat) return MID_BAR
    const ratio = Math.min(1, Math.max(0, (value - range.min) / (range.max - range.min)))
    return BARS[Math.min(BARS.length - 1, Math.round(ratio * (BARS.length - 1)))]
  })
  return ' '.repeat(width - bars.length) + bars.join('')
}
