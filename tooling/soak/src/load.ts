import type { Socket } from 'node:net'
import autocannon from 'autocannon'
import type { BatchLedger } from './batch-ledger.js'
import { errorCode } from './http.js'
import type { Recorder } from './recorder.js'

/** Tasks per `POST /analytics/scrape` of the load. */
export const TASKS_PER_BATCH = 3
/** The edge load's oversized bodies exceed the API's body limit by this much. */
const OVERSIZE_BYTES = 16 * 1024
/** autocannon's per-request timeout, in seconds: an answer later than this is an error. */
const REQUEST_TIMEOUT_S = 10

/** Where the load goes and with which credentials. */
export interface LoadTarget {
  /** `http://127.0.0.1:<port>` of the API. */
  url: string
  viewerToken: string
  adminToken: string
  /** The API's `server.bodyLimit`, in bytes. */
  bodyLimit: number
}

/** A running load; `stop()` resolves once autocannon has finished. */
export interface RunningLoad {
  stop(): Promise<void>
}

type Request = autocannon.Request & { kind: string }

/** The parts of autocannon's client we watch; autocannon does not report them itself. */
interface ClientInternals {
  on(event: 'headers', listener: (...args: unknown[]) => void): void
  _connect(): void
  conn: Socket
  destroyed: boolean
  pipelinedRequests: { size(): number; clear(): void }
  requestIterator: { currentRequest: Request }
}

/**
 * The main load: every `connections` keep-alive connection cycles through the 7 viewer GETs under
 * `/performance` and `/analytics`, a progress read of the latest scrape batch, a scrape enqueue
 * (admin, a fresh batch id each time, recorded in `batches`) and a cache clear by tag (admin),
 * `rate` requests per second in all. Every answer and every failure goes to `recorder`; nothing
 * is retried.
 *
 * @example
 * const load = startMainLoad(target, { rate: 150, connections: 8 }, recorder, batches)
 * await load.stop()
 */
export function startMainLoad(
  target: LoadTarget,
  options: { rate: number; connections: number },
  recorder: Recorder,
  batches: BatchLedger,
): RunningLoad {
  const viewer = { authorization: `Bearer ${target.viewerToken}` }
  const admin = {
    authorization: `Bearer ${target.adminToken}`,
    'content-type': 'application/json',
  }
  const get = (path: string): Request => ({
    kind: `GET ${path}`,
    method: 'GET',
    path,
    headers: viewer,
  })
  const requests: Request[] = [
    get('/performance/status'),
    get('/performance/metrics'),
    get('/performance/recommendations'),
    get('/performance/cache/stats'),
    get('/performance/database/stats'),
    get('/performance/tasks/status'),
    get('/analytics/dashboard'),
    {
      kind: 'GET /analytics/scrape/{batchId}',
      method: 'GET',
      path: '/analytics/scrape/none',
      headers: viewer,
      setupRequest: (request) => ({
        ...request,
        path: `/analytics/scrape/${batches.latestAccepted() ?? 'none'}`,
      }),
    },
    {
      kind: 'POST /analytics/scrape',
      method: 'POST',
      path: '/analytics/scrape',
      headers: admin,
      setupRequest: (request, context) => {
        const batchId = batches.issue()
        ;(context as { batchId?: string }).batchId = batchId
        return { ...request, body: JSON.stringify({ count: TASKS_PER_BATCH, batchId }) }
      },
      onResponse: (status, body, context) =>
        batches.answer((context as { batchId?: string }).batchId, status, body),
    },
    {
      kind: 'POST /performance/cache/clear',
      method: 'POST',
      path: '/performance/cache/clear',
      headers: admin,
      body: JSON.stringify({ tags: ['scrape'] }),
    },
  ]
  return run('main', target.url, requests, options, recorder)
}

/**
 * The edge load: requests the API answers before reading their body, each kind on its own
 * keep-alive connection that goes on being used — a cache clear with a body above the limit
 * (413) and a scrape enqueue with a viewer token and a 32 KiB body (403) — 2 per second each. A
 * server that leaves unread bytes on a kept-alive socket shows here as socket errors or
 * timeouts. (After an answer with `Connection: close` autocannon still sends the next request
 * on that connection; those are counted as notes, not errors: a real client would reconnect.)
 *
 * @example
 * const edge = startEdgeLoad(target, recorder)
 */
export function startEdgeLoad(target: LoadTarget, recorder: Recorder): RunningLoad {
  const json = (token: string) => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  })
  const tooLarge = run(
    'edge-413',
    target.url,
    [
      {
        kind: 'POST /performance/cache/clear (over the body limit)',
        method: 'POST',
        path: '/performance/cache/clear',
        headers: json(target.adminToken),
        body: JSON.stringify({ pattern: 'x'.repeat(target.bodyLimit + OVERSIZE_BYTES) }),
      },
    ],
    { rate: 2, connections: 1 },
    recorder,
  )
  const forbidden = run(
    'edge-403',
    target.url,
    [
      {
        kind: 'POST /analytics/scrape (viewer token, 32 KiB body)',
        method: 'POST',
        path: '/analytics/scrape',
        headers: json(target.viewerToken),
        body: JSON.stringify({ count: 1, batchId: 'soak-forbidden', pad: 'x'.repeat(32 * 1024) }),
      },
    ],
    { rate: 2, connections: 1 },
    recorder,
  )
  return { stop: () => Promise.all([tooLarge.stop(), forbidden.stop()]).then(() => undefined) }
}

function run(
  group: string,
  url: string,
  requests: Request[],
  options: { rate: number; connections: number },
  recorder: Recorder,
): RunningLoad {
  let finished!: () => void
  const done = new Promise<void>((resolve) => (finished = resolve))
  const instance = autocannon(
    {
      url,
      connections: options.connections,
      overallRate: options.rate,
      // Stopped by stop(), never by the clock.
      duration: 7 * 24 * 3600,
      timeout: REQUEST_TIMEOUT_S,
      requests,
      setupClient: (client) =>
        watchDroppedRequests(client as unknown as ClientInternals, (announced) =>
          announced
            ? recorder.note(`${group}: request sent after a Connection: close answer (not retried)`)
            : recorder.error({
                at: Date.now(),
                group,
                code: 'keep-alive connection closed with a request in flight',
              }),
        ),
    },
    () => finished(),
  )
  instance.on('response', (client, statusCode, _bytes, responseTime) => {
    const request = (client as unknown as ClientInternals).requestIterator.currentRequest
    recorder.response({
      at: Date.now(),
      group,
      kind: request.kind,
      status: statusCode,
      latencyMs: responseTime,
    })
  })
  instance.on('reqError', (error: unknown) =>
    recorder.error({ at: Date.now(), group, code: errorCode(error) }),
  )
  return {
    stop: () => {
      instance.stop()
      return done
    },
  }
}

/**
 * autocannon reconnects silently when the server closes a connection, forgetting a request that
 * was in flight on it (and attributing later answers to it). Such a request is an error when the
 * server had kept the connection alive in its last answer; after an answer with
 * `Connection: close` the fault is autocannon's (it ignores the header and sends the next request
 * anyway, which a real client would not), so it is counted apart. Either way the request is
 * forgotten, so answers stay matched to their requests.
 */
function watchDroppedRequests(client: ClientInternals, onDropped: (announced: boolean) => void) {
  let keptAlive = true
  // http-parser-js passes one info object, or (in its newer calling mode) positional arguments
  // with shouldKeepAlive ninth.
  client.on('headers', (...args: unknown[]) => {
    const first = args[0] as { shouldKeepAlive?: unknown } | undefined
    const keepAlive = typeof first === 'object' ? first?.shouldKeepAlive : args[8]
    keptAlive = keepAlive !== false
  })
  const connect = client._connect.bind(client)
  client._connect = () => {
    connect()
    keptAlive = true
    client.conn.prependListener('end', () => {
      if (client.destroyed || client.pipelinedRequests.size() === 0) return
      onDropped(!keptAlive)
      client.pipelinedRequests.clear()
    })
    // autocannon counts the error itself; the request must not stay queued behind it.
    client.conn.prependListener('error', () => client.pipelinedRequests.clear())
  }
}
