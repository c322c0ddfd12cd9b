// @ts-check
// The cards around the charts: header facts, profile switcher, cache clearing.

import { messageOf } from './api.js'
import { byId as $ } from './dom.js'

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('../schemas.js').StatusBody} StatusBody */
/** @typedef {import('../schemas.js').MetricsBody} MetricsBody */
/** @typedef {import('../schemas.js').ProfileChangeBody} ProfileChangeBody */
/** @typedef {import('../schemas.js').ClearCacheBody} ClearCacheBody */
/** @typedef {import('../schemas.js').ClearCacheResultBody} ClearCacheResultBody */

/**
 * `3 d 4 h`, `5 h 12 m`, `4 m 09 s`.
 * @param {number} ms
 */
export function formatUptime(ms) {
  const seconds = Math.floor(ms / 1000)
  const d = Math.floor(seconds / 86400)
  const h = Math.floor((seconds % 86400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (d > 0) return `${d} d ${h} h`
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} m`
  return `${m} m ${String(s).padStart(2, '0')} s`
}

/**
 * Header: instance, version, health; uptime ticks locally between snapshots.
 * @param {Api} api
 */
export function createHeader(api) {
  let uptimeAt = 0
  let uptimeMs = 0
  const tick = () => {
    if (uptimeAt > 0) $('uptime').textContent = formatUptime(uptimeMs + Date.now() - uptimeAt)
  }
  setInterval(tick, 1000)
  const refreshStatus = async () => {
    const status = /** @type {StatusBody} */ (await api.get('/performance/status'))
    $('instance').textContent = status.instance
    $('version').textContent = status.version
    const health = $('health')
    health.dataset.state = status.state
    const reasons = Object.entries(status.components)
      .filter(([, component]) => component.state !== 'ok')
      .map(([name, component]) => `${name}: ${component.reasons.join('; ') || component.state}`)
    health.textContent = `health ${status.state}`
    health.title = reasons.join('\n')
    return status
  }
  return {
    refreshStatus,
    /** @param {MetricsBody} metrics */
    update(metrics) {
      uptimeAt = Date.now()
      uptimeMs = metrics.uptimeMs
      tick()
    },
  }
}

/**
 * The profile card; the form exists for admins only (the CSS hides it for viewers).
 * @param {Api} api
 * @param {boolean} isAdmin
 * @param {(change: ProfileChangeBody) => void} [onChanged]
 */
export function createProfilePanel(api, isAdmin, onChanged) {
  /** @param {string} profile */
  const show = (profile) => {
    $('profile').textContent = profile
    $('profile-current').textContent = profile
    $('profile-current').dataset.profile = profile
    // Gone with the form for a viewer.
    const select = document.getElementById('profile-select')
    if (select instanceof HTMLSelectElement && document.activeElement !== select) {
      select.value = profile
    }
  }
  /** @param {Event} event the form's submit */
  const changeProfile = async (event) => {
    event.preventDefault()
    const button = /** @type {HTMLButtonElement} */ (
      /** @type {SubmitEvent} */ (event).submitter ?? $('profile-form').querySelector('button')
    )
    const wanted = $('profile-select', HTMLSelectElement).value
    button.disabled = true
    $('profile-result').className = 'result'
    try {
      const change = /** @type {ProfileChangeBody} */ (
        await api.post(`/performance/optimize/${encodeURIComponent(wanted)}`)
      )
      show(change.profile)
      const moved = change.changes.map((c) => `${c.setting} ${c.from} → ${c.to}`)
      $('profile-result').textContent =
        change.previous === change.profile
          ? `${change.profile} was already active`
          : `${change.previous} → ${change.profile}: ${moved.length} setting${moved.length === 1 ? '' : 's'} changed`
      $('profile-result').title = moved.join('\n')
      onChanged?.(change)
    } catch (error) {
      $('profile-result').className = 'result error'
      $('profile-result').textContent = messageOf(error)
    } finally {
      button.disabled = false
    }
  }
  if (!isAdmin) $('profile-form').remove()
  else $('profile-form').addEventListener('submit', (event) => void changeProfile(event))
  return { show }
}

/**
 * Opens the "clear everything?" dialog; resolves true only for its confirm button.
 * @returns {Promise<boolean>}
 */
function confirmClearAll() {
  const dialog = $('clear-dialog', HTMLDialogElement)
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'clear'), { once: true })
    dialog.returnValue = ''
    dialog.showModal()
    // The safe choice has the focus, so Enter does not clear by accident.
    $('clear-cancel').focus()
  })
}

/**
 * The cache-clear card (admins only): by key pattern, by tags, or everything after a
 * confirmation.
 * @param {Api} api
 * @param {boolean} isAdmin
 */
export function createCachePanel(api, isAdmin) {
  if (!isAdmin) {
    $('cache-card').remove()
    return
  }
  const patternInput = $('cache-pattern', HTMLInputElement)
  const tagsInput = $('cache-tags', HTMLInputElement)
  const submit = $('cache-submit', HTMLButtonElement)
  const label = () => {
    const empty = !patternInput.value.trim() && !tagsInput.value.trim()
    submit.textContent = empty ? 'Clear everything' : 'Clear matching keys'
  }
  patternInput.addEventListener('input', label)
  tagsInput.addEventListener('input', label)
  /** @param {Event} event the form's submit */
  const clear = async (event) => {
    event.preventDefault()
    const pattern = patternInput.value.trim()
    const tags = tagsInput.value
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean)
    /** @type {ClearCacheBody} */
    const body = {}
    if (pattern) body.pattern = pattern
    if (tags.length > 0) body.tags = tags
    // Like the CLI, clearing every key needs a yes; a pattern or tags say what goes already.
    if (!pattern && tags.length === 0 && !(await confirmClearAll())) {
      $('cache-result').className = 'result'
      $('cache-result').textContent = 'Nothing cleared.'
      return
    }
    submit.disabled = true
    $('cache-result').className = 'result'
    try {
      const { removed } = /** @type {ClearCacheResultBody} */ (
        await api.post('/performance/cache/clear', body)
      )
      $('cache-result').textContent =
        `Removed ${removed.toLocaleString('en-US')} key${removed === 1 ? '' : 's'}`
      $('cache-result').dataset.removed = String(removed)
    } catch (error) {
      $('cache-result').className = 'result error'
      $('cache-result').textContent = messageOf(error)
    } finally {
      submit.disabled = false
    }
  }
  $('cache-form').addEventListener('submit', (event) => void clear(event))
}
