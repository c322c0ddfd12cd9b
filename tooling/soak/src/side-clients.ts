import { call, errorCode } from './http.js'
import type { Recorder } from './recorder.js'
import { sleep } from './sleep.js'

/** The profiles `POST /performance/optimize/{profile}` cycles through. */
const PROFILES = ['performance', 'memory', 'balanced'] as const
/** A stream with no byte for this long is dead: the API sends a `: ping` every 15 s. */
const STREAM_IDLE_MS = 20_000
/** How long the stream's response headers may take. */
const STREAM_CONNECT_MS = 5_000

/** A background client; `stop()` ends it and waits until it has. */
export interface SideClient {
  stop(): Promise<void>
}

/**
 * Switches the optimization profile every `everyMs` (admin token), recording each answer.
 *
 * @example
 * const profiles = startProfileSwitcher(api, adminToken, 30_000, recorder)
 */
export function startProfileSwitcher(
  url: string,
  adminToken: string,
  everyMs: number,
  recorder: Recorder,
): SideClient {
  let next = 0
  let inFlight: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    const profile = PROFILES[next++ % PROFILES.length]!
    inFlight = call(`${url}/performance/optimize/${profile}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      timeoutMs: 10_000,
    }).then((outcome) => {
      const at = Date.now()
      const kind = 'POST /performance/optimize/{profile}'
      if (outcome.ok)
        recorder.response({
          at,
          group: 'profile',
          kind,
          status: outcome.status,
          latencyMs: outcome.ms,
        })
      else recorder.error({ at, group: 'profile', code: outcome.error })
    })
  }, everyMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await inFlight
    },
  }
}

/**
 * Holds one `GET /performance/stream` (Server-Sent Events) open with a viewer token and reads
 * it; a stream that ends, errs or stays silent past 20 s is recorded and opened again.
 *
 * @example
 * const stream = startStreamReader(api, viewerToken, recorder)
 */
export function startStreamReader(url: string, token: string, recorder: Recorder): SideClient {
  const stopping = new AbortController()
  const kind = 'GET /performance/stream'
  const loop = async () => {
    while (!stopping.signal.aborted) {
      const started = performance.now()
      const idle = new AbortController()
      let idleTimer = setTimeout(() => idle.abort(new Error('stream idle')), STREAM_CONNECT_MS)
      idleTimer.unref()
      const signal = AbortSignal.any([stopping.signal, idle.signal])
      try {
        const response = await fetch(`${url}/performance/stream`, {
          headers: { authorization: `Bearer ${token}` },
          signal,
        })
        recorder.response({
          at: Date.now(),
          group: 'stream',
          kind,
          status: response.status,
          latencyMs: performance.now() - started,
        })
        if (response.body) {
          for await (const chunk of response.body) {
            void chunk
            clearTimeout(idleTimer)
            idleTimer = setTimeout(() => idle.abort(new Error('stream idle')), STREAM_IDLE_MS)
            idleTimer.unref()
          }
        }
        // The server ended a stream it had accepted: a client would see it as a drop.
        if (!stopping.signal.aborted && response.status === 200)
          recorder.error({ at: Date.now(), group: 'stream', code: 'stream ended by the server' })
      } catch (error) {
        if (!stopping.signal.aborted) {
          const code = idle.signal.aborted ? 'stream idle for 20 s' : errorCode(error)
          recorder.error({ at: Date.now(), group: 'stream', code })
        }
      } finally {
        clearTimeout(idleTimer)
      }
      await sleep(1_000, stopping.signal, { quiet: true })
    }
  }
  const running = loop()
  return {
    stop: async () => {
      stopping.abort()
      await running
    },
  }
}
