/* global devicePixelRatio, document, window */
// Browser-side probes of the dashboard for browser-states.test.ts: evaluated in the page (through
// the DevTools protocol, so the page's CSP stays on) and read back as JSON. Plain JS because the
// API's TypeScript program has no DOM types.

window.__probes = {
  /** Points the chart `id` holds. */
  points(id) {
    return Number(document.getElementById(`chart-${id}`).dataset.points)
  },

  /** Per chart: shown or hidden, `data`/`empty`, the empty-state text, non-null values per series. */
  chartStates() {
    return Object.entries(window.__biPerf.charts).map(([id, plot]) => {
      const card = document.getElementById(`chart-${id}`)
      const empty = card.querySelector('.chart-empty')
      return {
        id,
        hidden: card.hidden,
        state: card.dataset.state,
        emptyText: empty.textContent ?? '',
        emptyVisible: empty.checkVisibility(),
        values: plot.data.slice(1).map((ys) => ys.filter((y) => y !== null).length),
      }
    })
  },

  /**
   * The x-axis labels uPlot drew on each shown chart, as boxes in page pixels: the drawn ticks
   * (`axis._splits`, `axis._values`) placed by `valToPos` and measured in the axis' own font.
   */
  tickBoxes() {
    const measure = document.createElement('canvas').getContext('2d')
    return Object.entries(window.__biPerf.charts)
      .filter(([id]) => !document.getElementById(`chart-${id}`).hidden)
      .flatMap(([id, plot]) => {
        const axis = plot.axes[0]
        measure.font = axis.font[0]
        const over = plot.over.getBoundingClientRect()
        const canvas = plot.ctx.canvas.getBoundingClientRect()
        return axis._splits.map((split, index) => {
          const label = axis._values[index]
          const lines = label.split('\n').map((line) => measure.measureText(line).width)
          const width = Math.max(...lines) / devicePixelRatio
          const center = over.left + plot.valToPos(split, 'x')
          return {
            chart: id,
            label,
            left: center - width / 2,
            right: center + width / 2,
            canvasLeft: canvas.left,
            canvasRight: canvas.right,
          }
        })
      })
  },

  /**
   * Runs the dashboard's own tick layout over spans ending at `ends` (epoch seconds) and widths
   * from 120 to 1400 px; returns every overlap, cut label, missing tick or misplaced date.
   */
  async axisSweep(ends, spans) {
    const axis = await import('/dashboard/time-axis.js')
    const problems = []
    for (const end of ends) {
      for (const span of spans) {
        for (let width = 120; width <= 1400; width += 20) {
          const min = end - span
          const ticks = axis.timeTicks(min, end, width)
          const labels = axis.timeLabels(ticks, min, end)
          const where = `${span} s to ${new Date(end * 1000).toTimeString().slice(0, 8)} at ${width} px`
          if (ticks.length === 0) problems.push(`${where}: no tick`)
          const crosses =
            new Date(min * 1000).toDateString() !== new Date(end * 1000).toDateString()
          if (labels.some((label) => label.includes('\n')) !== crosses) {
            problems.push(`${where}: date ${crosses ? 'missing' : 'shown'}: ${labels.join(' | ')}`)
          }
          const boxes = ticks.map((tick, index) => {
            const lines = labels[index].split('\n').map((line) => axis.measureLabel(line))
            const x = ((tick - min) / span) * width
            return [x - Math.max(...lines) / 2, x + Math.max(...lines) / 2]
          })
          boxes.forEach(([left, right], index) => {
            if (left < 0 || right > width) problems.push(`${where}: ${labels[index]} cut`)
            const next = boxes[index + 1]
            if (next && right >= next[0]) {
              problems.push(`${where}: ${labels[index]} overlaps ${labels[index + 1]}`)
            }
          })
        }
      }
    }
    return problems
  },

  /** The dashboard's evidence line for each evidence object. */
  async describeEvidence(list) {
    const format = await import('/dashboard/format.js')
    return list.map((evidence) => format.describeEvidence(evidence))
  },
}
