/* global document, getComputedStyle, ResizeObserver, window */
// The live charts: one uPlot per card, fed by metrics snapshots (and, at start, by the server's
// recent history so the charts are not empty). Interval figures (hit rates, queries per second)
// come from two consecutive snapshots, as the server's history derives them.

const MB = 1024 * 1024
/** Ten minutes of points at one snapshot a second. */
const MAX_POINTS = 600
/** Seconds of history a chart shows. */
const WINDOW_S = 300

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759']

/** `(now - before) / (now + …)` of a hits/misses pair, or null when nothing was looked up. */
function intervalRatio(now, before) {
  if (!now || !before) return null
  const hits = now.hits - before.hits
  const misses = now.misses - before.misses
  return hits + misses > 0 && hits >= 0 && misses >= 0 ? hits / (hits + misses) : null
}

function perSecond(now, before, elapsedMs) {
  if (now === undefined || before === undefined || !(elapsedMs > 0) || now < before) return null
  return ((now - before) * 1000) / elapsedMs
}

/**
 * The charts: per series a label, optionally the server history series that fills it at start
 * (`history`, multiplied by `scale`), and `live(metrics, previous)` for each new snapshot.
 */
export const CHARTS = [
  {
    id: 'cpu',
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
      return heap === undefined
        ? ''
        : `heap ${(heap / MB).toFixed(0)} MB · rss ${(rss / MB).toFixed(0)} MB`
    },
  },
  {
    id: 'event-loop',
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
    title: 'L2 (Redis) latency',
    unit: 'ms',
    series: [
      { label: 'p99', history: 'cache.l2.p99Ms', live: (m) => m.cache?.l2?.latencyMs?.p99 },
      { label: 'p50', live: (m) => m.cache?.l2?.latencyMs?.p50 },
    ],
    note: (m) =>
      m.cache?.l2
        ? `${m.cache.l2.connection} · breaker ${m.cache.l2.breaker}`
        : 'no Redis tier configured (in-process cache only)',
  },
  {
    id: 'db',
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
        live: (m, p) => perSecond(m.db?.queries?.executed, p?.db?.queries?.executed, m.at - p?.at),
      },
    ],
    note: (m) =>
      m.db
        ? `${m.db.backend} · ${m.db.pool.active}/${m.db.pool.max} active · ${m.db.pool.waiting} waiting`
        : 'database disabled',
  },
  {
    id: 'tasks',
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
  chart.series.filter((series) => series.history).map((series) => series.history),
)

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

const format = (value) =>
  value === null || value === undefined
    ? '–'
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toFixed(Math.abs(value) >= 10 ? 1 : 2)

/**
 * Builds one card per chart in `container` and returns `{ push(metrics), prefill(history) }`.
 * Each card carries `data-points` (points drawn) for tests; the uPlot instances are on
 * `window.__biPerf.charts`.
 */
export function createCharts(container) {
  const uPlot = window.uPlot
  const axisColor = cssVar('--muted') || '#888'
  const gridColor = cssVar('--grid') || 'rgba(128,128,128,0.15)'
  const charts = CHARTS.map((chart) => {
    const card = document.createElement('section')
    card.className = 'card'
    card.id = `chart-${chart.id}`
    card.dataset.points = '0'
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
    const note = document.createElement('p')
    note.className = 'chart-note'
    card.append(title, target, note)

    const right = chart.series.some((series) => series.axis === 'right')
    const data = [[], ...chart.series.map(() => [])]
    const plot = new uPlot(
      {
        width: Math.max(280, target.clientWidth),
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
              const last = xs.length > 0 ? xs[xs.length - 1] : Date.now() / 1000
              const first = xs.length > 1 ? Math.max(xs[0], last - WINDOW_S) : last - 60
              return [first, last]
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
          ...chart.series.map((series, index) => ({
            label: series.label,
            stroke: PALETTE[index % PALETTE.length],
            width: 2,
            scale: series.axis === 'right' ? 'right' : 'left',
            spanGaps: false,
            points: { show: false },
            value: (_, v) => format(v),
          })),
        ],
        axes: [
          { stroke: axisColor, grid: { stroke: gridColor } },
          { scale: 'left', stroke: axisColor, grid: { stroke: gridColor }, size: 48 },
          ...(right
            ? [{ scale: 'right', side: 1, stroke: axisColor, grid: { show: false }, size: 48 }]
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
    return { chart, card, value, note, plot, data }
  })

  container.prepend(...charts.map((entry) => entry.card))
  window.__biPerf = {
    ...(window.__biPerf ?? {}),
    charts: Object.fromEntries(charts.map((c) => [c.chart.id, c.plot])),
  }

  let previous
  const redraw = (entry) => {
    entry.plot.setData(entry.data)
    entry.card.dataset.points = String(entry.data[0].length)
  }

  return {
    /** Merges `{ series: { name: [{ at, value }] } }` from `/analytics/history` in front. */
    prefill(history) {
      for (const entry of charts) {
        const times = new Set()
        for (const series of entry.chart.series) {
          for (const point of history[series.history] ?? []) times.add(Math.round(point.at / 1000))
        }
        if (times.size === 0) continue
        const xs = [...times].sort((a, b) => a - b)
        const first = entry.data[0][0] ?? Infinity
        const kept = xs.filter((x) => x < first)
        const rows = entry.chart.series.map((series) => {
          const byTime = new Map(
            (history[series.history] ?? []).map((p) => [
              Math.round(p.at / 1000),
              p.value * (series.scale ?? 1),
            ]),
          )
          return kept.map((x) => byTime.get(x) ?? null)
        })
        entry.data[0].unshift(...kept)
        rows.forEach((row, index) => entry.data[index + 1].unshift(...row))
        redraw(entry)
      }
    },
    /** Appends one snapshot to every chart. */
    push(metrics) {
      const x = metrics.at / 1000
      for (const entry of charts) {
        const xs = entry.data[0]
        if (xs.length > 0 && x <= xs[xs.length - 1]) continue
        xs.push(x)
        const values = entry.chart.series.map((series) => {
          const raw = series.live(metrics, previous)
          return raw === undefined || raw === null || !Number.isFinite(raw)
            ? null
            : raw * (series.scale ?? 1)
        })
        values.forEach((v, index) => entry.data[index + 1].push(v))
        if (xs.length > MAX_POINTS)
          entry.data.forEach((column) => column.splice(0, column.length - MAX_POINTS))
        entry.value.textContent = values
          .map((v, index) =>
            v === null ? null : `${entry.chart.series[index].label} ${format(v)}`,
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
