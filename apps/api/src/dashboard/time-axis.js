// @ts-check
// The charts' time axis. uPlot's own time axis picks ticks by a fixed spacing and prints the date
// under the first tick, which overlaps its neighbours on a short span. Here the step is chosen
// so that every label fits its slot at the chart's width, and the date appears only when the span
// crosses midnight (under the first tick and the first tick of each new day).

/** Tick steps in seconds, smallest first. */
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200]
/** Free space between two labels, in CSS pixels. */
const GAP_PX = 14
/** The least free space, taken only when {@link GAP_PX} would leave a single label. */
const TIGHT_GAP_PX = 4

/** The font the axes draw with; the labels are measured with it. */
export const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0')

/**
 * @param {number} seconds epoch seconds
 * @param {boolean} withSeconds
 */
function clock(seconds, withSeconds) {
  const date = new Date(seconds * 1000)
  const minutes = `${pad(date.getHours())}:${pad(date.getMinutes())}`
  return withSeconds ? `${minutes}:${pad(date.getSeconds())}` : minutes
}

/** @param {number} seconds */
const dayOf = (seconds) => new Date(seconds * 1000).toDateString()
/** @param {number} seconds */
const dateLabel = (seconds) =>
  new Date(seconds * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric' })

/** @type {CanvasRenderingContext2D | null | undefined} */
let context
/**
 * Width in CSS pixels of `text` in {@link AXIS_FONT}.
 * @param {string} text
 */
export function measureLabel(text) {
  context ??= document.createElement('canvas').getContext('2d')
  if (!context) throw new Error('no 2d canvas context to measure axis labels with')
  context.font = AXIS_FONT
  return context.measureText(text).width
}

/**
 * The labels of `ticks` (epoch seconds): `HH:MM:SS` when ticks are less than a minute apart,
 * else `HH:MM`; with a second line holding the date where a new day starts, if the span
 * `[min, max]` crosses midnight.
 * @param {number[]} ticks epoch seconds
 * @param {number} min
 * @param {number} max
 * @returns {string[]}
 */
export function timeLabels(ticks, min, max) {
  const [first = 0, second = 0] = ticks
  const step = ticks.length > 1 ? second - first : max - min
  const withSeconds = step < 60
  const crossesDays = dayOf(min) !== dayOf(max)
  return ticks.map((tick, index) => {
    const time = clock(tick, withSeconds)
    const newDay = index === 0 || dayOf(tick) !== dayOf(ticks[index - 1] ?? tick)
    return crossesDays && newDay ? `${time}\n${dateLabel(tick)}` : time
  })
}

/**
 * Ticks (epoch seconds) for the span `[min, max]` drawn `width` CSS pixels wide: the smallest
 * step whose labels, measured with `measure`, fit between two ticks with a gap, aligned to local
 * clock time, and none so close to an edge that its label would be cut. When that leaves a
 * single tick, a finer step with a narrower (still positive) gap is taken if it gives two.
 *
 * @example
 * timeTicks(now - 180, now, 300, measureLabel) // e.g. 4 ticks a minute apart, labelled HH:MM
 * @param {number} min epoch seconds
 * @param {number} max epoch seconds
 * @param {number} width CSS pixels
 * @param {(text: string) => number} [measure]
 * @returns {number[]}
 */
export function timeTicks(min, max, width, measure = measureLabel) {
  const span = max - min
  if (!(span > 0) || !(width > 0)) return []
  const roomy = ticksWithGap(min, max, width, measure, GAP_PX)
  if (roomy.length >= 2) return roomy
  const tight = ticksWithGap(min, max, width, measure, TIGHT_GAP_PX)
  if (tight.length > roomy.length) return tight
  // A span shorter than one step plus a label: one tick in the middle says when it is.
  return roomy.length > 0 ? roomy : [Math.round(min + span / 2)]
}

/**
 * @param {number} min
 * @param {number} max
 * @param {number} width
 * @param {(text: string) => number} measure
 * @param {number} gap CSS pixels between two labels
 * @returns {number[]}
 */
function ticksWithGap(min, max, width, measure, gap) {
  const span = max - min
  const dateWidth = dayOf(min) !== dayOf(max) ? measure(dateLabel(max)) : 0
  // Local clock alignment: a 15-minute step ticks at :00, :15, … in every time zone.
  const shift = -new Date(min * 1000).getTimezoneOffset() * 60
  for (const step of STEPS_S) {
    const labelWidth = Math.max(measure(step < 60 ? '00:00:00' : '00:00'), dateWidth)
    if ((step / span) * width < labelWidth + gap) continue
    const ticks = []
    for (let k = Math.ceil((min + shift) / step); k * step - shift <= max; k += 1) {
      const tick = k * step - shift
      const x = ((tick - min) / span) * width
      if (x >= labelWidth / 2 && x <= width - labelWidth / 2) ticks.push(tick)
    }
    return ticks
  }
  return []
}
