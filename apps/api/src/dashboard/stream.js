// @ts-check
// The metrics stream: Server-Sent Events read with fetch, because EventSource cannot send the
// Authorization header and the API accepts no token in the URL.

/** @typedef {import('../schemas.js').MetricsBody} MetricsBody */
/** @typedef {'connecting' | 'live' | 'reconnecting'} StreamState */

/**
 * What the stream calls back with.
 * @typedef {{
 *   onMetrics: (metrics: MetricsBody) => void,
 *   onState: (state: StreamState) => void,
 *   onUnauthorized: (message: string) => void,
 * }} StreamHandlers
 */

/** Reconnect when nothing (not even the 15 s heartbeat) arrived for this long. */
const SILENCE_MS = 35_000

/**
 * Opens `/performance/stream` and keeps it open: `onMetrics(snapshot)` per `metrics` event,
 * `onState('connecting' | 'live' | 'reconnecting')` on changes, and `onUnauthorized(message)`
 * (no reconnect) when the token is refused.
 * @param {string} token
 * @param {StreamHandlers} handlers
 * @returns {{ close(): void }}
 */
export function openMetricsStream(token, { onMetrics, onState, onUnauthorized }) {
  let stopped = false
  let retryMs = 3000
  /** @type {AbortController | undefined} */
  let controller
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let watchdog

  const arm = () => {
    clearTimeout(watchdog)
    watchdog = setTimeout(() => controller?.abort(), SILENCE_MS)
  }

  /** @param {string} block one event's lines */
  const dispatch = (block) => {
    let event = 'message'
    const data = []
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value)
    }
    if (event === 'metrics' && data.length > 0) {
      /** @type {unknown} */
      const metrics = JSON.parse(data.join('\n'))
      onMetrics(/** @type {MetricsBody} */ (metrics))
    }
  }

  /** @param {number} attempt 0 for the first connection */
  const connect = async (attempt) => {
    controller = new AbortController()
    onState(attempt === 0 ? 'connecting' : 'reconnecting')
    try {
      const response = await fetch('/performance/stream', {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      })
      if (response.status === 401 || response.status === 403) {
        /** @type {unknown} */
        const json = await response.json().catch(() => null)
        const body = /** @type {Partial<import('../http/errors.js').ErrorBody> | null} */ (json)
        stopped = true
        onUnauthorized(body?.error?.message ?? `HTTP ${response.status}`)
        return
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
      onState('live')
      arm()
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        arm()
        buffer += value.replace(/\r\n?/g, '\n')
        let cut
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, cut))
          buffer = buffer.slice(cut + 2)
        }
      }
    } catch {
      // A dropped connection, an abort by the watchdog or a bad event: reconnect below.
    }
    clearTimeout(watchdog)
    if (stopped) return
    onState('reconnecting')
    setTimeout(() => void connect(attempt + 1), retryMs)
  }

  void connect(0)
  return {
    close() {
      stopped = true
      clearTimeout(watchdog)
      controller?.abort()
    },
  }
}
