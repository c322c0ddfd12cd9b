const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/** The scale of a sparkline: fixed bounds (percentages) or from zero to the largest value. */
export interface SparklineScale {
  /** @default 0 */
  min?: number
  /** @default the largest value shown */
  max?: number
}

/**
 * A sparkline of the last `width` values, right-aligned (newest at the right edge); `null`
 * values are gaps, missing history is blank.
 *
 * @example
 * sparkline([1, 5, 3, null, 8], 6) // ' ▁▅▃ █'
 */
export function sparkline(
  values: readonly (number | null)[],
  width: number,
  scale: SparklineScale = {},
): string {
  if (width <= 0) return ''
  const shown = values.slice(-width)
  const numbers = shown.filter((value): value is number => value !== null && Number.isFinite(value))
  const min = scale.min ?? 0
  const max = scale.max ?? Math.max(min, ...numbers)
  const span = max - min
  const bars = shown.map((value) => {
    if (value === null || !Number.isFinite(value)) return ' '
    if (span <= 0) return BARS[0]
    const ratio = Math.min(1, Math.max(0, (value - min) / span))
    return BARS[Math.min(BARS.length - 1, Math.round(ratio * (BARS.length - 1)))]
  })
  return ' '.repeat(width - bars.length) + bars.join('')
}
