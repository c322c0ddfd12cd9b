// @ts-check
// Entry of the dashboard page: token → live stream → charts and cards. Served as a module from
// /dashboard/app.js; the page carries no inline script (the API's CSP forbids it).

import { createAdvice } from './advice.js'
import { clearToken, createApi, saveToken, statusOf, takeToken, tokenClaims } from './api.js'
import { createBiCard } from './bi.js'
import { createCharts, HISTORY_SERIES } from './charts.js'
import { byId as $ } from './dom.js'
import { createCachePanel, createHeader, createProfilePanel } from './panels.js'
import { openMetricsStream } from './stream.js'

/** @typedef {import('../demo/dashboard-schema.js').HistoryBody} HistoryBody */

/** @type {{ close(): void } | undefined} */
let stream

/** @param {string} [message] why the server refused the token, if it did */
function showLogin(message) {
  stream?.close()
  clearToken()
  $('board').hidden = true
  $('sign-out').hidden = true
  $('login').hidden = false
  $('login-error').textContent = message ? `The server refused the token: ${message}` : ''
  const connection = $('connection')
  connection.dataset.state = message ? 'unauthorized' : 'idle'
  connection.textContent = message ? 'token refused' : 'not connected'
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault()
  saveToken($('login-token', HTMLTextAreaElement).value)
  // A fresh page start keeps every timer and listener tied to one token.
  window.location.reload()
})

$('sign-out').addEventListener('click', () => showLogin())

/** @param {string} token */
async function start(token) {
  const claims = tokenClaims(token)
  const isAdmin = claims.role === 'admin'
  document.body.dataset.role = isAdmin ? 'admin' : 'viewer'
  $('role').textContent = isAdmin ? 'admin' : 'viewer'
  $('login').hidden = true
  $('board').hidden = false
  $('sign-out').hidden = false

  const api = createApi(token, (message) => showLogin(message))
  const header = createHeader(api)
  const profile = createProfilePanel(api, isAdmin, () => void header.refreshStatus())
  createCachePanel(api, isAdmin)
  const charts = createCharts($('charts'))

  try {
    const status = await header.refreshStatus()
    profile.show(status.profile)
    charts.setSampleInterval(status.sampleIntervalMs)
    charts.setComponents(Object.keys(status.components))
  } catch (error) {
    // A 401 already brought back the login form; other failures leave it to the stream's retries.
    if (statusOf(error) === 401) return
  }
  try {
    const history = /** @type {HistoryBody} */ (
      await api.get(`/analytics/history?series=${HISTORY_SERIES.join(',')}&window=10m`)
    )
    charts.prefill(history.series)
  } catch {
    // An older server without /analytics/history: the charts start empty.
  }
  createAdvice(api)
  createBiCard(api)

  stream = openMetricsStream(token, {
    onMetrics(metrics) {
      charts.push(metrics)
      header.update(metrics)
      profile.show(metrics.profile)
    },
    onState(state) {
      const connection = $('connection')
      connection.dataset.state = state
      connection.textContent = state === 'live' ? 'live' : `${state}…`
    },
    onUnauthorized: (message) => showLogin(message),
  })
}

const token = takeToken()
if (token) void start(token)
else showLogin()
