// @ts-check
// The live charts: one uPlot per card, fed by metrics snapshots (and, at start, by the server's
// recent history so the charts are not empty). Interval figures (hit rates, queries per second)
// come from two consecutive snapshots, as the server's history derives them. A chart without a
// line to draw says why instead.

import { formatBytes } from './format.js'
import { AXIS_FONT, timeLabels, timeTicks } from './time-axis.js'

/** @typedef {import('../schemas.js').MetricsBody} MetricsBody */
/** @typedef {import('../demo/dashboard-schema.js').HistoryBody} HistoryBody */
/** @typedef {import('uplot')} UPlot */
/** @typedef {import('uplot').Axis} Axis */
/** @typedef {'monitor' | 'memory' | 'cache' | 'db' | 'tasks'} ComponentName */
/**
 * A chart's columns: times in epoch seconds, then one column of values (or gaps) per series.
 * @typedef {[number[], ...(number | null)[][]]} ChartData
 */

/**
 * One line of a chart.
 * @typedef {object} SeriesSpec
 * @property {string} label
 * @property {string} [history] the server history series that fills it at start
 * @property {number} [scale] multiplies its values (a 0–1 ratio drawn as %)
 * @property {'right'} [axis] drawn against the right axis
 * @property {(metrics: MetricsBody, previous: MetricsBody | undefined) => number | null | undefined} live
 *   its value in a new snapshot
 */

/**
 * One chart card.
 * @typedef {object} ChartSpec
 * @property {string} id
 * @property {ComponentName[]} needs the components it draws from
 * @property {string} [idle] its empty state once it had points: why there is no line now
 * @property {boolean} [percent] a 0–100 % left axis
 * @property {string} title
 * @property {string} unit
 * @property {SeriesSpec[]} series
 * @property {(metrics: MetricsBody) => string} [note] the line under the chart
 * @property {(metrics: MetricsBody) => boolean} [shown] hides the card for a server without it
 */

/** Ten minutes of points at one snapshot a second. */
const MAX_POINTS = 600
/** Seconds of history a chart shows. */
const WINDOW_S = 300

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759']

/**
 * `(now - before) / (now + …)` of a hits/misses pair, or null when nothing was looked up.
 * @param {{ hits: number, misses: number } | undefined} now
 * @param {{ hits: number, misses: number } | undefined} before
 */
function intervalRatio(now, before) {
  if (!now || !before) return null
  const hits = now.hits - before.hits
  const misses = now.misses - before.misses
  return hits + misses > 0 && hits >= 0 && misses >= 0 ? hits / (hits + misses) : null
}

/**
 * @param {number | undefined} now a counter now
 * @param {number | undefined} before the counter in the previous snapshot
 * @param {number} elapsedMs between the two
 */
function perSecond(now, before, elapsedMs) {
  if (now === undefined || before === undefined || !(elapsedMs > 0) || now < before) return null
  return ((now - before) * 1000) / elapsedMs
}

/**
 * The charts: per series a label, optionally the server history series that fills it at start
 * (`history`, multiplied by `scale`), and `live(metrics, previous)` for each new snapshot.
 * `needs` names the components the chart draws from (its empty state says which one is off), and
 * `shown(metrics)`, when present, hides the card for a server without that part (Redis).
 * @type {ChartSpec[]}
 */
export const CHARTS = [
  {
    id: 'cpu',
    needs: ['monitor'],
    percent: true,
    title: 'CPU',
    unit: '%',
    series: [
      { label: 'system', history: 'system.cpu', live: (m) => m.system?.cpu?.total },
      { label: 'this process', live: (m) => m.system?.process?.cpu?.total },
    ],
  },
  {
    id: 'memory',
    needs: ['memory', 'monitor'],
    percent: true,
    title: 'Memory',
    unit: '%',
    series: [
      {
        label: 'heap of limit',
        history: 'memory.heapRatio',
        scale: 100,
        live: (m) => m.memory?.heap?.ratio,
      },
      {
        label: 'system used',
        history: 'system.memoryUsedPercent',
        live: (m) => m.system?.memory?.usedPercent,
      },
    ],
    note: (m) => {
      const heap = m.memory?.heap?.used ?? m.system?.process?.heap?.used
      const rss = m.memory?.heap?.rss ?? m.system?.process?.rss
      if (heap === undefined) return ''
      return rss === undefined
        ? `heap ${formatBytes(heap)}`
        : `heap ${formatBytes(heap)} · rss ${formatBytes(rss)}`
    },
  },
  {
    id: 'event-loop',
    needs: ['monitor'],
    title: 'Event-loop delay',
    unit: 'ms',
    series: [
      {
        label: 'p99',
        history: 'system.loopDelayP99Ms',
        live: (m) => m.system?.eventLoop?.delay?.p99,
      },
      { label: 'p50', live: (m) => m.system?.eventLoop?.delay?.p50 },
    ],
  },
  {
    id: 'cache-hit',
    needs: ['cache'],
    idle: 'no cache lookups in this window',
    percent: true,
    title: 'Cache hit rate',
    unit: '%',
    series: [
      {
        label: 'cache',
        history: 'cache.hitRate',
        scale: 100,
        live: (m, p) => intervalRatio(m.cache, p?.cache),
      },
      {
        label: 'db query cache',
        history: 'db.queryCache.hitRate',
        scale: 100,
        live: (m, p) => intervalRatio(m.db?.cache, p?.db?.cache),
      },
    ],
    note: (m) =>
      m.cache
        ? `overall ${(m.cache.hitRate * 100).toFixed(1)} % of ${(m.cache.hits + m.cache.misses).toLocaleString('en-US')} lookups`
        : 'cache disabled',
  },
  {
    id: 'l2-latency',
    needs: ['cache'],
    shown: (m) => Boolean(m.cache?.l2),
    title: 'L2 (Redis) latency',
    unit: 'ms',
    series: [
      { label: 'p99', history: 'cache.l2.p99Ms', live: (m) => m.cache?.l2?.latencyMs?.p99 },
      { label: 'p50', live: (m) => m.cache?.l2?.latencyMs?.p50 },
    ],
    note: (m) => (m.cache?.l2 ? `${m.cache.l2.connection} · breaker ${m.cache.l2.breaker}` : ''),
  },
  {
    id: 'db',
    needs: ['db'],
    percent: true,
    title: 'Database pool & queries',
    unit: '% · q/s',
    series: [
      {
        label: 'pool use %',
        history: 'db.pool.saturation',
        scale: 100,
        live: (m) => m.db?.pool?.saturation,
      },
      {
        label: 'queries/s',
        history: 'db.queries.perSecond',
        axis: 'right',
        live: (m, p) =>
          perSecond(m.db?.queries?.executed, p?.db?.queries?.executed, m.at - (p?.at ?? NaN)),
      },
    ],
    note: (m) =>
      m.db
        ? `${m.db.backend} · ${m.db.pool.active}/${m.db.pool.max} active · ${m.db.pool.waiting} waiting`
        : 'database disabled',
  },
  {
    id: 'tasks',
    needs: ['tasks'],
    title: 'Tasks',
    unit: '/min · backlog',
    series: [
      { label: 'done/min', live: (m) => m.tasks?.throughputPerMinute },
      {
        label: 'backlog',
        history: 'tasks.backlog',
        axis: 'right',
        live: (m) => m.tasks?.counts?.backlog,
      },
    ],
    note: (m) =>
      m.tasks
        ? `${m.tasks.backend} · concurrency ${m.tasks.concurrency} · ${m.tasks.counts.active} active`
        : 'tasks disabled',
  },
]

/** Every history series the charts can start from. */
export const HISTORY_SERIES = CHARTS.flatMap((chart) =>
  chart.series.flatMap((series) => (series.history ? [series.history] : [])),
)

/** @param {string} name */
const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** @param {number | null | undefined} value */
const format = (value) =>
  value === null || value === undefined
    ? '–'
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toFixed(Math.abs(value) >= 10 ? 1 : 2)

/**
 * Component names in the order an empty state lists them.
 * @type {Record<ComponentName, string>}
 */
const COMPONENT_NAMES = {
  monitor: 'the system monitor',
  memory: 'memory management',
  cache: 'the cache',
  db: 'the database',
  tasks: 'tasks',
}

/**
 * Why `chart` has no line: a component that is off, no lookups yet, or no samples yet.
 * @param {ChartSpec} chart
 * @param {string[] | undefined} components enabled, once the status said
 * @param {number} intervalS
 * @param {boolean} hadPoints
 */
function emptyReason(chart, components, intervalS, hadPoints) {
  const off = components ? chart.needs.filter((name) => !components.includes(name)) : []
  if (off.length === chart.needs.length && off.length > 0) {
    return `${off.map((name) => COMPONENT_NAMES[name]).join(' and ')} ${off.length > 1 ? 'are' : 'is'} off`
  }
  if (hadPoints && chart.idle) return chart.idle
  return `no data yet — samples arrive every ${intervalS} s`
}

/**
 * Whether some series has two values in the visible window, i.e. a line to draw.
 * @param {ChartData} data
 */
function hasLine(data) {
  const [xs, ...columns] = data
  const from = xs.length > 0 ? (xs[xs.length - 1] ?? 0) - WINDOW_S : 0
  return columns.some((ys) => {
    let values = 0
    for (let i = xs.length - 1; i >= 0 && (xs[i] ?? 0) >= from && values < 2; i -= 1) {
      if (ys[i] !== null && ys[i] !== undefined) values += 1
    }
    return values >= 2
  })
}

/**
 * The x axis: ticks whose labels never overlap, the date only where a day starts.
 * @param {string} axisColor
 * @param {string} gridColor
 * @returns {Axis}
 */
function timeAxis(axisColor, gridColor) {
  // uPlot hands the plot's width (CSS px) of the layout pass under way to `space`, which runs
  // just before `splits`; `bbox` may still hold the previous size while a card resizes.
  let plotWidth = 0
  return {
    stroke: axisColor,
    grid: { stroke: gridColor },
    ticks: { stroke: gridColor },
    font: AXIS_FONT,
    space: (_, __, ___, ____, width) => {
      plotWidth = width
      return 40
    },
    splits: (_, __, min, max) => timeTicks(min, max, plotWidth),
    values: (u, ticks) => timeLabels(ticks, u.scales['x']?.min ?? 0, u.scales['x']?.max ?? 0),
    size: (_, values) => (values?.some((value) => value.includes('\n')) ? 48 : 32),
  }
}

/**
 * Builds one card per chart in `container` and returns `{ push(metrics), prefill(history),
 * setSampleInterval(ms), setComponents(names) }`. Each card carries `data-points` (points drawn) and `data-state`
 * (`data`, or `empty` with the reason in `.chart-empty`) for tests; the uPlot instances are on
 * `window.__biPerf.charts`.
 * @param {HTMLElement} container
 */
export function createCharts(container) {
  // uPlot arrives as a classic script (/dashboard/vendor/uplot.js) that sets `window.uPlot`.
  const page =
    /** @type {{ uPlot: typeof import('uplot'), __biPerf?: { charts?: Record<string, UPlot> } }} */ (
      /** @type {unknown} */ (window)
    )
  const uPlot = page.uPlot
  const axisColor = cssVar('--muted') || '#888'
  const gridColor = cssVar('--grid') || 'rgba(128,128,128,0.15)'
  const charts = CHARTS.map((chart) => {
    const card = document.createElement('section')
    card.className = 'card'
    card.id = `chart-${chart.id}`
    card.dataset.points = '0'
    // A part the server may not have (Redis) stays hidden until the metrics show it.
    card.hidden = chart.shown !== undefined
    const title = document.createElement('h2')
    const name = document.createElement('span')
    name.textContent = `${chart.title} `
    const unit = document.createElement('small')
    unit.className = 'muted'
    unit.textContent = chart.unit
    name.append(unit)
    const value = document.createElement('small')
    value.className = 'chart-value'
    title.append(name, value)
    const target = document.createElement('div')
    target.className = 'chart'
    const empty = document.createElement('p')
    empty.className = 'chart-empty'
    empty.setAttribute('role', 'status')
    target.append(empty)
    const note = document.createElement('p')
    note.className = 'chart-note'
    card.append(title, target, note)

    const right = chart.series.some((series) => series.axis === 'right')
    /** @type {ChartData} */
    const data = [[], ...chart.series.map(() => /** @type {(number | null)[]} */ ([]))]
    const plot = new uPlot(
      {
        width: Math.max(200, target.clientWidth),
        height: 180,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          // The newest WINDOW_S seconds (or all points, while there are fewer), so every chart
          // shows the same span and an empty chart still has a sensible time axis.
          x: {
            time: true,
            range: () => {
              const xs = data[0]
              const last = xs[xs.length - 1] ?? Date.now() / 1000
              const first = xs.length > 1 ? Math.max(xs[0] ?? last, last - WINDOW_S) : last - 60
              return [first, Math.max(last, first + 1)]
            },
          },
          left: {
            range: (_, __, max) =>
              chart.percent ? [0, Math.max(100, max ?? 0)] : [0, max > 0 ? max * 1.15 : 1],
          },
          right: { range: (_, __, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
        series: [
          {},
          ...chart.series.map(
            (series, index) =>
              /** @type {import('uplot').Series} */ ({
                label: series.label,
                stroke: PALETTE[index % PALETTE.length],
                width: 2,
                scale: series.axis === 'right' ? 'right' : 'left',
                spanGaps: false,
                points: { show: false },
                value: (_, v) => format(v),
              }),
          ),
        ],
        axes: [
          timeAxis(axisColor, gridColor),
          {
            scale: 'left',
            stroke: axisColor,
            grid: { stroke: gridColor },
            font: AXIS_FONT,
            size: 44,
          },
          ...(right
            ? [
                {
                  scale: 'right',
                  side: 1,
                  stroke: axisColor,
                  grid: { show: false },
                  font: AXIS_FONT,
                  size: 40,
                },
              ]
            : []),
        ],
      },
      data,
      target,
    )
    new ResizeObserver(() => {
      const width = target.clientWidth
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: 180 })
    }).observe(target)
    return { chart, card, value, note, empty, plot, data }
  })

  container.prepend(...charts.map((entry) => entry.card))
  page.__biPerf = {
    ...(page.__biPerf ?? {}),
    charts: Object.fromEntries(charts.map((c) => [c.chart.id, c.plot])),
  }

  /** @type {MetricsBody | undefined} */
  let previous
  /**
   * Enabled components (from the status), or undefined before it arrived.
   * @type {string[] | undefined}
   */
  let components
  /** Seconds between samples: the monitor's interval from the status, once a second before it. */
  let intervalS = 1

  /** @typedef {(typeof charts)[number]} Entry */
  /** @param {Entry} entry */
  const showState = (entry) => {
    const line = hasLine(entry.data)
    entry.card.dataset.state = line ? 'data' : 'empty'
    entry.empty.hidden = line
    entry.empty.textContent = line
      ? ''
      : emptyReason(entry.chart, components, intervalS, entry.data[0].length > 1)
  }
  /** @param {Entry} entry */
  const redraw = (entry) => {
    entry.plot.setData(entry.data)
    entry.card.dataset.points = String(entry.data[0].length)
    showState(entry)
  }
  charts.forEach(showState)

  return {
    /**
     * Milliseconds between samples (the status's `sampleIntervalMs`), named by empty charts.
     * @param {number} ms
     */
    setSampleInterval(ms) {
      if (ms > 0) intervalS = Math.max(1, Math.round(ms / 1000))
      charts.forEach(showState)
    },
    /**
     * The components the server runs (the keys of `/performance/status`'s `components`).
     * @param {string[]} names
     */
    setComponents(names) {
      components = names
      charts.forEach(showState)
    },
    /**
     * Merges `{ series: { name: [{ at, value }] } }` from `/analytics/history` in front.
     * @param {HistoryBody['series']} history
     */
    prefill(history) {
      /** @param {string | undefined} name */
      const pointsOf = (name) => (name === undefined ? undefined : history[name]) ?? []
      for (const entry of charts) {
        /** @type {Set<number>} */
        const times = new Set()
        for (const series of entry.chart.series) {
          for (const point of pointsOf(series.history)) times.add(Math.round(point.at / 1000))
        }
        if (times.size === 0) continue
        const xs = [...times].sort((a, b) => a - b)
        const first = entry.data[0][0] ?? Infinity
        const kept = xs.filter((x) => x < first)
        const rows = entry.chart.series.map((series) => {
          const byTime = new Map(
            pointsOf(series.history).map((p) => [
              Math.round(p.at / 1000),
              p.value * (series.scale ?? 1),
            ]),
          )
          return kept.map((x) => byTime.get(x) ?? null)
        })
        const [drawnTimes, ...columns] = entry.data
        drawnTimes.unshift(...kept)
        rows.forEach((row, index) => columns[index]?.unshift(...row))
        redraw(entry)
      }
    },
    /**
     * Appends one snapshot to every chart.
     * @param {MetricsBody} metrics
     */
    push(metrics) {
      // At the time of the sample the figures come from: the snapshot a stream opens with is
      // assembled later from the sample the history already holds, and must not draw it twice.
      const x = (metrics.system?.timestamp ?? metrics.at) / 1000
      for (const entry of charts) {
        if (entry.chart.shown) entry.card.hidden = !entry.chart.shown(metrics)
        const [xs, ...columns] = entry.data
        const lastX = xs[xs.length - 1]
        // History times are rounded to the second; streamed samples are a second apart or more.
        if (lastX !== undefined && x < lastX + 0.5) continue
        xs.push(x)
        const values = entry.chart.series.map((series) => {
          const raw = series.live(metrics, previous)
          return raw === undefined || raw === null || !Number.isFinite(raw)
            ? null
            : raw * (series.scale ?? 1)
        })
        values.forEach((v, index) => columns[index]?.push(v))
        if (xs.length > MAX_POINTS)
          entry.data.forEach((column) => column.splice(0, column.length - MAX_POINTS))
        entry.value.textContent = values
          .map((v, index) =>
            v === null ? null : `${entry.chart.series[index]?.label} ${format(v)}`,
          )
          .filter(Boolean)
          .join(' · ')
        entry.note.textContent = entry.chart.note?.(metrics) ?? ''
        redraw(entry)
      }
      previous = metrics
    },
  }
}
