// @ts-check
// Numbers for people: sizes in KiB/MiB/GiB, times in ms/s, shares in %, durations in h/min/s.
// Used by the recommendation and forecast cards, which receive raw figures from the API.

/** @typedef {import('../schemas.js').RecommendationBody['evidence']} Evidence */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/**
 * At most three significant digits, no trailing zeros: `0.123`, `12.3`, `1234`.
 * @param {number} value
 */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US')
  return String(Number(value.toPrecision(3)))
}

/**
 * `512 B`, `12.4 MiB`, `4 GiB`.
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${formatNumber(value)} ${UNITS[unit]}`
}

/**
 * `0.42 ms`, `720 ms`, `3.2 s`.
 * @param {number} ms
 */
export function formatMs(ms) {
  return Math.abs(ms) >= 1000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`
}

/**
 * `45 s`, `12 min`, `3 h 10 min`, `2 d 4 h`.
 * @param {number} ms
 */
export function formatDuration(ms) {
  const minutes = Math.round(ms / 60_000)
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/**
 * `0.93` (a 0–1 ratio) → `93 %`.
 * @param {number} ratio
 */
export function formatRatio(ratio) {
  return `${formatNumber(ratio * 100)} %`
}

/** Unit names of the API's duration strings. */
const WINDOW_UNITS = /** @type {Record<string, string>} */ ({
  ms: 'ms',
  s: 's',
  m: 'min',
  h: 'h',
  d: 'd',
})

/**
 * `5m` → `5 min`, `now` → `now`; windows come as the API's duration strings.
 * @param {string} window
 */
function formatWindow(window) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(window ?? '')
  if (!match) return window
  return `${match[1]} ${WINDOW_UNITS[match[2] ?? '']}`
}

/**
 * The formatter a metric's name calls for: bytes, milliseconds, a ratio, or a plain number.
 * @param {string} metric
 * @returns {(value: number) => string}
 */
function formatterFor(metric) {
  const name = metric.toLowerCase()
  if (/ratio|saturation|hitrate/.test(name)) return formatRatio
  if (/percent|cpu/.test(name)) return (value) => `${formatNumber(value)} %`
  if (/ms$|latency|delay|duration|\.p\d\d$/.test(name)) return formatMs
  if (/bytes|heap|rss|memory\.used|\.size$/.test(name)) return formatBytes
  return formatNumber
}

/**
 * Any number with four or more decimals, rounded to three significant digits: text from the API
 * is shown as it came, but never as `389642279.668` or `0.93475`.
 * @param {string} text
 */
export function tidyNumbers(text) {
  return String(text).replace(/-?\d+\.\d{4,}/g, (number) => formatNumber(Number(number)))
}

/**
 * One line of evidence for a recommendation: the API's `summary` when it has one, otherwise
 * metric, value and threshold in the units the metric's name implies.
 * @param {Evidence} evidence
 */
export function describeEvidence(evidence) {
  if (evidence.summary) return tidyNumbers(evidence.summary)
  const format = formatterFor(evidence.metric)
  const window = evidence.window === 'now' ? 'now' : `over ${formatWindow(evidence.window)}`
  return `${evidence.metric} ${format(evidence.value)} (threshold ${format(evidence.threshold)}), ${window}`
}
