const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

const DURATION_UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
]

/**
 * A size the way the configuration accepts it: the largest binary unit that keeps the number
 * readable, at most one decimal (`64MiB`, `1.5GiB`, `4KiB`, `512B`).
 *
 * @example
 * formatBytes(64 * 1024 * 1024) // '64MiB'
 */
export function formatBytes(bytes: number): string {
  const [unit, size] =
    bytes >= GiB
      ? ['GiB', GiB]
      : bytes >= MiB
        ? ['MiB', MiB]
        : bytes >= KiB
          ? ['KiB', KiB]
          : ['B', 1]
  return `${round(bytes / size, 1)}${unit}`
}

/**
 * A duration the way the configuration accepts it: the largest unit that divides it exactly
 * (`5m`, `1h`, `90s`, `250ms`).
 *
 * @example
 * formatDuration(300_000) // '5m'
 */
export function formatDuration(ms: number): string {
  for (const [unit, size] of DURATION_UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${round(ms, 1)}ms`
}

/**
 * A figure for a sentence: at most `digits` decimals, trailing zeros dropped.
 *
 * @example
 * round(0.41666, 2) // 0.42
 */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/**
 * A ratio as a percentage for a sentence, e.g. `42%`.
 *
 * @example
 * formatPercent(0.4166) // '41.7%'
 */
export function formatPercent(ratio: number): string {
  return `${round(ratio * 100, 1)}%`
}

/**
 * SQL cut to `max` characters on one line, for a sentence.
 *
 * @example
 * shortenSql('SELECT *\n  FROM orders WHERE id = $1', 20) // 'SELECT * FROM order…'
 */
export function shortenSql(sql: string, max = 80): string {
  const line = sql.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * A size for a sentence, with a space before the unit: `12.4 MiB`, `4 GiB`, `512 B`.
 *
 * @example
 * humanBytes(13_002_342) // '12.4 MiB'
 */
export function humanBytes(bytes: number): string {
  return formatBytes(bytes).replace(/([\d.]+)(\D+)$/, '$1 $2')
}

/**
 * A duration for a sentence, in at most two units: `720 ms`, `45 s`, `5 min`, `3 h 10 min`,
 * `2 d 4 h`.
 *
 * @example
 * humanDuration(11_400_000) // '3 h 10 min'
 */
export function humanDuration(ms: number): string {
  if (ms < 1_000) return `${round(ms, 1)} ms`
  if (ms < 60_000) return `${round(ms / 1_000, 1)} s`
  const minutes = Math.round(ms / 60_000)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}
