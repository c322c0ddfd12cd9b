import type { Optimizer } from '@bi-perf/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen, type RunningServer } from '../src/server.js'
import {
  bearer,
  hsToken,
  makeApp,
  readError,
  startOptimizer,
  stopAll,
  testConfig,
  waitFor,
} from './helpers.js'

interface SseEvent {
  event?: string
  id?: string
  data?: string
  retry?: string
}

/** Reads SSE blocks from a fetch body until `enough` says stop. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  enough: (events: SseEvent[]) => boolean,
) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const events: SseEvent[] = []
  let buffer = ''
  while (!enough(events)) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event: SseEvent = {}
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':')
        if (colon === 0) continue
        const field = line.slice(0, colon) as keyof SseEvent
        event[field] = line.slice(colon + 1).trimStart()
      }
      if (Object.keys(event).length > 0) events.push(event)
    }
  }
  return { events, reader }
}

let optimizer: Optimizer
let server: RunningServer
let token: string
const shutdown = new AbortController()

beforeAll(async () => {
  optimizer = await startOptimizer(
    testConfig({ tasks: { enabled: false }, monitor: { interval: '200ms' } }),
  )
  const made = await makeApp({ optimizer, shutdown: shutdown.signal })
  token = await hsToken(made.secret)
  server = await listen(made.app.fetch, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  shutdown.abort()
  await server.close(2_000)
  await stopAll()
})

describe('GET /performance/stream', () => {
  it('answers 429 E_API_TOO_MANY_STREAMS beyond server.rateLimit.streams per subject and role, until one closes', async () => {
    const made = await makeApp({ optimizer, config: { server: { rateLimit: { streams: 2 } } } })
    const viewer = bearer(await hsToken(made.secret, { sub: 'many' }))
    const open = () => made.app.request('/performance/stream', { headers: viewer })
    const first = await open()
    const second = await open()
    expect([first.status, second.status]).toEqual([200, 200])
    const refused = await open()
    expect(refused.status).toBe(429)
    expect(await readError(refused)).toMatchObject({
      code: 'E_API_TOO_MANY_STREAMS',
      details: { limit: 2 },
    })
    // The same subject as admin is another caller with slots of its own.
    const admin = await made.app.request('/performance/stream', {
      headers: bearer(await hsToken(made.secret, { sub: 'many', role: 'admin' })),
    })
    expect(admin.status).toBe(200)

    await first.body!.cancel()
    let again: Response | undefined
    await waitFor(async () => {
      again = await open()
      if (again.status === 200) return true
      await again.arrayBuffer()
      return false
    })
    for (const response of [second, admin, again]) await response?.body?.cancel()
  })

  it('streams metrics events over HTTP and removes its listener when the client aborts', async () => {
    const baseline = optimizer.listenerCount('sample')
    const controller = new AbortController()
    const response = await fetch(`${server.url}/performance/stream`, {
      headers: bearer(token),
      signal: controller.signal,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.body).not.toBeNull()

    const { events } = await readEvents(
      response.body!,
      (seen) => seen.filter((event) => event.event === 'metrics').length >= 2,
    )
    expect(events[0]).toEqual({ retry: '3000' })
    const metrics = events.filter((event) => event.event === 'metrics')
    expect(metrics).toHaveLength(2)
    for (const event of metrics) {
      const data = JSON.parse(event.data ?? '') as { at: number; profile: string }
      expect(data.profile).toBe('balanced')
      expect(event.id).toBe(String(data.at))
    }
    expect(optimizer.listenerCount('sample')).toBe(baseline + 1)

    controller.abort()
    await waitFor(() => optimizer.listenerCount('sample') === baseline)
  })

  it('ends open streams when the shutdown signal aborts', async () => {
    const baseline = optimizer.listenerCount('sample')
    const response = await fetch(`${server.url}/performance/stream`, { headers: bearer(token) })
    const { reader } = await readEvents(response.body!, (seen) =>
      seen.some((event) => event.event === 'metrics'),
    )
    shutdown.abort()
    for (;;) {
      const { done } = await reader.read()
      if (done) break
    }
    await waitFor(() => optimizer.listenerCount('sample') === baseline)
  })
})
