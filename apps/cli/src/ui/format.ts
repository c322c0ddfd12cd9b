/** Formatting of figures for people: short, unit-bearing, stable width where it matters. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const

/**
 * Bytes in binary units, e.g. `45.1 MiB`.
 *
 * @example
 * formatBytes(47_290_000) // '45.1 MiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–'
  let value = Math.abs(bytes)
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const sign = bytes < 0 ? '-' : ''
  return `${sign}${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${BYTE_UNITS[unit]}`
}

/** A 0–1 ratio as a percentage, e.g. `93.4 %`. */
export function formatRatio(ratio: number): string {
  return formatPercent(ratio * 100)
}

/** A 0–100 share, e.g. `12.3 %`. */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '–'
  return `${percent.toFixed(1)} %`
}

/** A count with thousands separators, e.g. `12,345`. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–'
  return Math.round(value).toLocaleString('en-US')
}

/** A rate with a metric suffix, e.g. `2.46 M`, `43.0 k`, `812`. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} G`
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)} k`
  if (abs >= 100) return value.toFixed(0)
  return value.toFixed(abs >= 10 ? 1 : 2)
}

/** Milliseconds with sensible precision, e.g. `0.042 ms`, `4.21 ms`, `312 ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  const abs = Math.abs(ms)
  if (abs >= 100) return `${ms.toFixed(0)} ms`
  if (abs >= 10) return `${ms.toFixed(1)} ms`
  if (abs >= 1) return `${ms.toFixed(2)} ms`
  return `${ms.toFixed(3)} ms`
}

/**
 * A duration in compact units, e.g. `3d4h`, `3m12s`, `850ms`.
 *
 * @example
 * formatDuration(192_000) // '3m12s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = Math.floor(ms / 1000)
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = seconds % 60
  const [big, small] =
    days > 0
      ? [`${days}d`, hours > 0 ? `${hours}h` : '']
      : hours > 0
        ? [`${hours}h`, minutes > 0 ? `${minutes}m` : '']
        : minutes > 0
          ? [`${minutes}m`, rest > 0 ? `${rest}s` : '']
          : [`${rest}s`, '']
  return big + small
}

/** A signed percentage change, e.g. `+12.5 %`, `-3.0 %`. */
export function formatChange(percent: number): string {
  if (!Number.isFinite(percent)) return '–'
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`
}

/** A value of a benchmark or setting in its unit. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'ms':
      return formatMs(value)
    case 'bytes':
      return formatBytes(value)
    case 'ops/s':
    case 'req/s':
    case 'tasks/s':
      return `${formatRate(value)} ${unit}`
    case 'x':
      return `${value.toFixed(1)}×`
    default:
      return `${formatRate(value)} ${unit}`
  }
}
