// @ts-check
// The "BI demo" card: the numbers of GET /analytics/dashboard and how each widget was served
// (from the query cache or computed cold). Hidden when the server runs no demo workload.

import { messageOf, RequestError } from './api.js'
import { byId as $, element } from './dom.js'

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('../demo/types.js').AnalyticsDashboard} AnalyticsDashboard */
/** @typedef {import('../demo/types.js').WidgetName} WidgetName */
/** A table cell: its text and, optionally, its class. @typedef {[text: string, className?: string]} Cell */

/** @param {number} value */
const number = (value) => value.toLocaleString('en-US')

/**
 * @param {AnalyticsDashboard} body
 * @param {WidgetName} widget
 */
function timing(body, widget) {
  const cached = body.timing.cached[widget]
  return element('span', {
    className: 'timing',
    textContent: `${body.timing.widgetMs[widget].toFixed(1)} ms ${cached ? 'cached' : 'cold'}`,
  })
}

/**
 * @param {[text: string, numeric?: boolean][]} headers
 * @param {Cell[][]} rows
 */
function table(headers, rows) {
  const head = element(
    'tr',
    {},
    headers.map(([text, numeric]) =>
      element('th', { textContent: text, className: numeric ? 'num' : '' }),
    ),
  )
  const body = rows.map((cells) =>
    element(
      'tr',
      {},
      cells.map(([text, className]) =>
        element('td', { textContent: text, className: className ?? '' }),
      ),
    ),
  )
  // A narrow screen scrolls the table inside its box, never the page.
  return element('div', { className: 'table-scroll' }, [
    element('table', {}, [element('thead', {}, [head]), element('tbody', {}, body)]),
  ])
}

/**
 * @param {AnalyticsDashboard} body
 * @param {WidgetName} widget
 * @param {string} title
 * @param {HTMLElement} content
 */
function section(body, widget, title, content) {
  const badge = timing(body, widget)
  badge.dataset.cached = String(body.timing.cached[widget])
  const box = element('div', { className: 'bi-widget' }, [
    element('h3', {}, [title, badge]),
    content,
  ])
  box.dataset.widget = widget
  return box
}

/**
 * @param {number} value
 * @param {number} [digits]
 */
const signed = (value, digits = 1) => `${value > 0 ? '+' : ''}${value.toFixed(digits)}`

/** @param {AnalyticsDashboard} body */
function render(body) {
  const { totals, priceIndex, topMovers, freshness, companiesByCountry } = body.widgets
  const days =
    totals.from && totals.to
      ? Math.round((Date.parse(totals.to) - Date.parse(totals.from)) / 86_400_000)
      : 0
  const insights = body.insights.items.map((item) => {
    const li = element('li', { textContent: item.text })
    li.dataset.severity = item.severity
    return li
  })
  $('bi-body').replaceChildren(
    section(
      body,
      'totals',
      'Dataset',
      element('div', {}, [
        element('p', { className: 'big', textContent: `${number(totals.priceRows)} prices` }),
        element('p', {
          className: 'muted',
          textContent: `${number(totals.companies)} companies · ${days} days · ${freshness.length} sources`,
        }),
      ]),
    ),
    section(
      body,
      'priceIndex',
      'Price index by sector (100 = usual)',
      table(
        [['sector'], ['latest', true], ['4 weeks', true]],
        priceIndex.sectors.map((s) => [
          [s.sector],
          [s.latest === null ? '–' : s.latest.toFixed(1), 'num'],
          [
            s.change4w === null ? '–' : signed(s.change4w),
            `num ${s.change4w === null ? '' : s.change4w > 0 ? 'up' : s.change4w < 0 ? 'down' : ''}`,
          ],
        ]),
      ),
    ),
    section(
      body,
      'topMovers',
      'Top movers, 7 days',
      table(
        [['company'], ['sector'], ['change', true]],
        topMovers
          .slice(0, 6)
          .map((m) => [
            [m.name],
            [m.sector],
            [`${signed(m.changePct)}\u00a0%`, `num ${m.changePct > 0 ? 'up' : 'down'}`],
          ]),
      ),
    ),
    section(
      body,
      'freshness',
      'Scrape freshness',
      table(
        [['source'], ['last', true], ['24 h rows', true]],
        freshness.map((f) => [
          [f.source],
          [
            f.ageMinutes >= 1440
              ? `${(f.ageMinutes / 1440).toFixed(1)} d ago`
              : `${f.ageMinutes} min ago`,
            `num ${f.ageMinutes >= 1440 ? 'down' : ''}`,
          ],
          [number(f.rowsLast24h), 'num'],
        ]),
      ),
    ),
    section(
      body,
      'companiesByCountry',
      'Companies by country',
      table(
        [['country'], ['companies', true], ['sectors', true]],
        companiesByCountry
          .slice(0, 6)
          .map((c) => [[c.country], [number(c.companies), 'num'], [String(c.sectors), 'num']]),
      ),
    ),
    element('div', { className: 'bi-widget' }, [
      element('h3', { textContent: 'Insights' }),
      element('ol', { className: 'insights' }, insights),
    ]),
  )
  $('bi-status').textContent =
    `${body.backend} · ${body.timing.ms.toFixed(1)} ms · ${new Date(body.generatedAt).toLocaleTimeString()}`
  $('bi-card').dataset.ready = 'true'
}

/**
 * Polls `/analytics/dashboard` every 15 s (every 2 s while the dataset seeds).
 * @param {Api} api
 */
export function createBiCard(api) {
  const load = async () => {
    let next = 15_000
    try {
      render(/** @type {AnalyticsDashboard} */ (await api.get('/analytics/dashboard')))
      $('bi-card').hidden = false
    } catch (error) {
      const code = error instanceof RequestError ? error.code : undefined
      if (error instanceof RequestError && error.status === 404) {
        $('bi-card').hidden = true
        return
      }
      $('bi-card').hidden = false
      if (code === 'E_DEMO_SEEDING') next = 2_000
      $('bi-status').textContent =
        code === 'E_DEMO_SEEDING' ? 'seeding the demo dataset…' : messageOf(error)
    }
    setTimeout(() => void load(), next)
  }
  void load()
}
