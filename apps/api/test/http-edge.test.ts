// The HTTP edge against the real app on the real server (`listen()` from src/server.ts, as
// main.ts runs it): request bodies a response did not wait for, slow clients, oversized headers
// and idle keep-alive connections, driven by fetch's undici pool, autocannon, wrk and raw sockets.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { promisify } from 'node:util'
import { runInNewContext } from 'node:vm'
import autocannon from 'autocannon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveEdgeOptions } from '../src/http/edge-options.js'
import { createEdgeServer, MAX_HEADER_SIZE } from '../src/http/edge-server.js'
import { listen, type ListenOptions, type RunningServer } from '../src/server.js'
import { ensureWrk } from './ensure-wrk.js'
import { bearer, hsToken, makeApp, readError, stopAll, waitFor } from './helpers.js'

const execFileAsync = promisify(execFile)
const MiB = 1024 * 1024
const HOST = '127.0.0.1'
/** The app's default `server.bodyLimit` is 1 MiB: every body below is over it. */
const OVERSIZED = Buffer.alloc(1.25 * MiB, 0x20)

let app: Awaited<ReturnType<typeof makeApp>>['app']
let admin: Record<string, string>
const servers: RunningServer[] = []
const children: ChildProcess[] = []

beforeAll(async () => {
  // A rate limit out of reach: the load below is about sockets, not quotas.
  const made = await makeApp({ config: { server: { rateLimit: { requests: 1_000_000 } } } })
  app = made.app
  admin = bearer(await hsToken(made.secret, { role: 'admin' }))
})

afterAll(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  await Promise.all(servers.splice(0).map((server) => server.close(1_000)))
  await stopAll()
})

async function serve(edge: Omit<ListenOptions, 'port' | 'host'> = {}): Promise<RunningServer> {
  const server = await listen(app.fetch, { port: 0, host: HOST, ...edge })
  servers.push(server)
  return server
}

/** Every fetch gets 10 s: a hung connection fails the test with its own message. */
function timeout(): AbortSignal {
  return AbortSignal.timeout(10_000)
}

/** 20 sequential requests on fetch's keep-alive pool; any socket error fails the test. */
async function expectHealthyPool(url: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${url}/health/live`, { signal: timeout() })
    expect(response.status).toBe(200)
    await response.arrayBuffer()
  }
}

describe('a response that leaves the request body unread', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve()
  })

  it('keeps fetch’s keep-alive pool working after a 413 on a 3 MB body', async () => {
    const first = await fetch(`${server.url}/health/live`, { signal: timeout() })
    expect(first.status).toBe(200)
    await first.arrayBuffer()
    const response = await fetch(`${server.url}/performance/cache/clear`, {
      signal: timeout(),
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: Buffer.alloc(3 * MiB, 0x20),
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('connection')).toBe('close')
    expect((await readError(response)).code).toBe('E_API_PAYLOAD_TOO_LARGE')
    await expectHealthyPool(server.url)
  })

  it('keeps the pool working after an early 401 on a 1 MB body', async () => {
    const response = await fetch(`${server.url}/performance/cache/clear`, {
      signal: timeout(),
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(1_000_000, 0x20),
    })
    expect(response.status).toBe(401)
    expect((await readError(response)).code).toBe('E_API_UNAUTHORIZED')
    await expectHealthyPool(server.url)
  })

  it('keeps the pool working after a 415 on a 512 KiB body', async () => {
    const response = await fetch(`${server.url}/performance/cache/clear`, {
      signal: timeout(),
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'text/plain' },
      body: Buffer.alloc(512 * 1024, 0x61),
    })
    expect(response.status).toBe(415)
    expect((await readError(response)).code).toBe('E_API_UNSUPPORTED_MEDIA_TYPE')
    await expectHealthyPool(server.url)
  })

  it('keeps the connection when a small body arrives after its early answer', async () => {
    const client = new RawClient(server.port)
    client.socket.write(
      'POST /performance/cache/clear HTTP/1.1\r\nHost: edge\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"pattern":',
    )
    const early = await client.response()
    expect(early.status).toBe(401)
    expect(early.headers['connection']).toBe('keep-alive')
    client.socket.write(' '.repeat(1000 - '{"pattern":'.length))
    client.socket.write('GET /health/live HTTP/1.1\r\nHost: edge\r\n\r\n')
    expect((await client.response()).status).toBe(200)
    client.socket.destroy()
  })

  it('closes without a reset while the client still sends a body it announced', async () => {
    const client = new RawClient(server.port, { allowHalfOpen: true })
    const length = 8 * MiB
    client.socket.write(
      'POST /performance/cache/clear HTTP/1.1\r\nHost: edge\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    )
    const response = await client.response()
    expect(response.status).toBe(413)
    expect(response.headers['connection']).toBe('close')
    // A naive client sends the whole body anyway; a server that closed at once would reset it.
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    for (let sent = 0; sent < length && !client.socket.destroyed; sent += chunk.length) {
      if (!client.socket.write(chunk)) await once(client.socket, 'drain')
    }
    client.socket.end()
    expect(await client.closed).toEqual({ error: undefined })
  })

  it('answers no request a client sends after Connection: close', async () => {
    const client = new RawClient(server.port, { allowHalfOpen: true })
    // A 200 kB body without a token (an early 401 it never reads) and, right behind it, a GET
    // that ignores the coming Connection: close.
    client.socket.write(
      'POST /performance/cache/clear HTTP/1.1\r\nHost: edge\r\n' +
        'Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n',
    )
    client.socket.write(Buffer.alloc(200_000, 0x20))
    client.socket.write('GET /health/live HTTP/1.1\r\nHost: edge\r\n\r\n')
    const response = await client.response()
    expect(response.status).toBe(401)
    expect(response.headers['connection']).toBe('close')
    await once(client.socket, 'end')
    client.socket.end()
    expect(await client.closed).toEqual({ error: undefined })
    expect(client.text().match(/^HTTP\/1\.1 /gm)).toHaveLength(1)
  })
})

describe('load mixing oversized POSTs and GETs on keep-alive connections', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve()
  })

  // autocannon ignores `Connection: close`: the request it writes next on such a connection gets
  // no answer (the server closes it, as RFC 9112 allows) and autocannon reconnects. What must not
  // happen is a reset, an error or a stall.
  it('autocannon: 0 errors, 0 resets, 0 timeouts', async () => {
    const result = await autocannon({
      url: server.url,
      connections: 8,
      amount: 800,
      timeout: 10,
      requests: [
        { method: 'GET', path: '/health/live' },
        {
          method: 'POST',
          path: '/performance/cache/clear',
          headers: { 'content-type': 'application/json' },
          body: OVERSIZED,
        },
        { method: 'GET', path: '/health/ready' },
        {
          method: 'POST',
          path: '/performance/optimize/memory',
          headers: { 'content-type': 'application/json' },
          body: Buffer.alloc(200_000, 0x20),
        },
      ],
    })
    expect({
      errors: result.errors,
      resets: result.resets,
      timeouts: result.timeouts,
    }).toEqual({ errors: 0, resets: 0, timeouts: 0 })
    // Every answer is a 200 or a 413 (too large) or 401 (no token), and each kind came back.
    const statuses = Object.keys(statusCounts(result)).sort()
    expect(statuses).toEqual(['200', '401', '413'])
  }, 60_000)

  it('wrk with a Lua script: 0 socket errors', async () => {
    const wrk = ensureWrk()
    const dir = await mkdtemp(join(tmpdir(), 'bi-perf-edge-'))
    try {
      const script = join(dir, 'oversized.lua')
      await writeFile(script, WRK_SCRIPT)
      // Asynchronously: the server runs in this process and must answer while wrk runs.
      const run = await execFileAsync(
        wrk,
        ['-t1', '-c8', '-d3s', '--timeout', '10s', '-s', script, server.url],
        { encoding: 'utf8', timeout: 60_000 },
      )
      const line = /edge: (.*)$/m.exec(run.stdout)?.[1]
      expect(line, run.stdout).toBeDefined()
      const counts = Object.fromEntries(
        line!.split(' ').map((pair) => pair.split('=') as [string, string]),
      ) as Record<string, string>
      expect({
        connect: counts['connect'],
        read: counts['read'],
        write: counts['write'],
        timeout: counts['timeout'],
      }).toEqual({ connect: '0', read: '0', write: '0', timeout: '0' })
      expect(Number(counts['ok']), run.stdout).toBeGreaterThan(0)
      expect(Number(counts['too_large'])).toBeGreaterThan(0)
      expect(counts['other']).toBe('0')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('slow clients', () => {
  const HEADERS = 2_000
  const REQUEST = 4_000
  /** Node checks the timeouts once a second; the rest is room for a busy machine. */
  const MARGIN = 1_000 + 3_000
  let server: RunningServer
  beforeAll(async () => {
    server = await serve({ timeouts: { headers: HEADERS, request: REQUEST } })
  })

  it('cuts a client sending its headers a byte a second after timeouts.headers, with a 408', async () => {
    const client = new RawClient(server.port)
    const started = performance.now()
    const stop = trickle(
      client.socket,
      `GET /health/live HTTP/1.1\r\nHost: edge\r\nX-Slow: ${'a'.repeat(60)}`,
    )
    await client.closed
    stop()
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS)
    expect(elapsed).toBeLessThan(HEADERS + MARGIN)
    expect(client.text()).toMatch(/^HTTP\/1\.1 408 /)
    expect(client.text()).toContain('"code":"E_API_REQUEST_TIMEOUT"')
  }, 20_000)

  it('cuts a body trickled to a route that reads it after timeouts.request, with a 408', async () => {
    const client = new RawClient(server.port)
    const started = performance.now()
    client.socket.write(
      'POST /performance/cache/clear HTTP/1.1\r\nHost: edge\r\n' +
        `Authorization: ${admin['Authorization']}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    )
    const stop = trickle(client.socket, `{"pattern":"${'a'.repeat(85)}"}`)
    await client.closed
    stop()
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST)
    expect(elapsed).toBeLessThan(REQUEST + MARGIN)
    expect(client.text()).toMatch(/^HTTP\/1\.1 408 /)
  }, 20_000)

  it('cuts a body trickled after an early 401, and sends nothing after the 401', async () => {
    const client = new RawClient(server.port)
    const started = performance.now()
    client.socket.write(
      'POST /performance/cache/clear HTTP/1.1\r\nHost: edge\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    )
    const stop = trickle(client.socket, `{"pattern":"${'a'.repeat(85)}"}`)
    expect((await client.response()).status).toBe(401)
    await client.closed
    stop()
    expect(performance.now() - started).toBeLessThan(REQUEST + MARGIN)
    expect(client.text().match(/^HTTP\/1\.1 /gm)).toHaveLength(1)
  }, 20_000)
})

describe('requests Node cannot parse', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve()
  })

  it('answers 400 E_API_BAD_REQUEST in the error shape to a malformed request', async () => {
    const client = new RawClient(server.port)
    client.socket.write('GET /health/live HTTP/1.1\r\nHost: edge\r\nBad Header\r\n\r\n')
    const response = await client.response()
    expect(response.status).toBe(400)
    expect(response.headers['connection']).toBe('close')
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'E_API_BAD_REQUEST', message: 'malformed HTTP request' },
    })
    expect(await client.closed).toEqual({ error: undefined })
  })

  it('answers 431 in the error shape to a 32 KiB header, not a reset', async () => {
    const response = await fetch(`${server.url}/health/live`, {
      signal: timeout(),
      headers: { 'X-Big': 'a'.repeat(32 * 1024) },
    })
    expect(response.status).toBe(431)
    expect(response.headers.get('connection')).toBe('close')
    expect((await readError(response)).code).toBe('E_API_HEADERS_TOO_LARGE')
    await expectHealthyPool(server.url)
  })

  it('answers 431 and closes cleanly while an 8 MiB header line is still arriving', async () => {
    const client = new RawClient(server.port, { allowHalfOpen: true })
    const line = Buffer.alloc(8 * MiB, 0x61)
    client.socket.write('GET /health/live HTTP/1.1\r\nHost: edge\r\nX-Big: ')
    if (!client.socket.write(line)) await once(client.socket, 'drain')
    client.socket.end('\r\n\r\n')
    expect((await client.response()).status).toBe(431)
    expect(await client.closed).toEqual({ error: undefined })
  })
})

describe('idle keep-alive connections', () => {
  it('holds at most maxConnections; the ones past it are closed and cost no memory', async () => {
    const CAP = 500
    const server = await serve({ maxConnections: CAP, timeouts: { keepAlive: 60_000 } })
    const clients = startIdleClients(server.port)
    const base = heapAfterGc()
    expect(await clients.command('open 500')).toEqual({ answered: 500, refused: 0, open: 500 })
    const held = heapAfterGc()
    expect(await clients.command('open 2500')).toEqual({ answered: 500, refused: 2500, open: 500 })
    const after = heapAfterGc()
    // 2 500 more connections attempted must cost less than the 500 held: without the cap they
    // would cost five times as much.
    expect(after - held, `heap: ${base} → ${held} → ${after} bytes`).toBeLessThan(held - base)
    await clients.command('exit')
  }, 60_000)

  it('closes idle connections after timeouts.keepAlive', async () => {
    const KEEP_ALIVE = 1_000
    const server = await serve({ timeouts: { keepAlive: KEEP_ALIVE } })
    const probe = await fetch(`${server.url}/health/live`, { signal: timeout() })
    expect(probe.headers.get('keep-alive')).toBe('timeout=1')
    await probe.arrayBuffer()
    const clients = startIdleClients(server.port)
    expect(await clients.command('open 300')).toMatchObject({ answered: 300, refused: 0 })
    // Node closes them one second after the advertised timeout; the rest is margin.
    await waitFor(async () => (await clients.command('status')).open === 0, {
      timeoutMs: KEEP_ALIVE + 1_000 + 5_000,
      what: 'every idle connection closed by the server',
    })
    await clients.command('exit')
  }, 30_000)

  it('applies the documented defaults to the Node server', () => {
    const server = createEdgeServer(
      (_request: IncomingMessage, response: ServerResponse) => response.end(),
      resolveEdgeOptions(),
    )
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      keepAliveTimeout: server.keepAliveTimeout,
      maxConnections: server.maxConnections,
      maxHeaderSize: MAX_HEADER_SIZE,
    }).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxConnections: 1000,
      maxHeaderSize: 16 * 1024,
    })
    server.close()
  })
})

/** A raw HTTP/1.1 connection: what it received, its responses parsed one by one, how it ended. */
class RawClient {
  readonly socket: Socket
  /** How the connection ended: `error` is the socket error's code, if there was one. */
  readonly closed: Promise<{ error: string | undefined }>
  private received = Buffer.alloc(0)
  private consumed = 0
  private wake: (() => void) | undefined

  constructor(port: number, options: { allowHalfOpen?: boolean } = {}) {
    this.socket = connect({ port, host: HOST, allowHalfOpen: options.allowHalfOpen ?? false })
    let error: string | undefined
    this.socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
      this.wake?.()
    })
    this.socket.on('error', (cause: NodeJS.ErrnoException) => (error ??= cause.code ?? 'error'))
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.wake?.()
        resolve({ error })
      }),
    )
  }

  /** Everything received so far, as text. */
  text(): string {
    return this.received.toString('latin1')
  }

  /** The next whole response (a `Content-Length` body), within 10 s. */
  async response(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const parsed = this.parse()
      if (parsed) return parsed
      if (this.socket.destroyed) throw new Error(`closed before a whole response: ${this.text()}`)
      if (Date.now() > deadline) throw new Error(`no whole response in 10 s: ${this.text()}`)
      await new Promise<void>((resolve) => {
        this.wake = resolve
        setTimeout(resolve, 100)
      })
    }
  }

  private parse() {
    const rest = this.received.subarray(this.consumed)
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) return undefined
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    if (rest.length < end + 4 + length) return undefined
    this.consumed += end + 4 + length
    const body = rest.subarray(end + 4, end + 4 + length).toString('utf8')
    return { status: Number(statusLine.split(' ')[1]), headers, body }
  }
}

/** Writes `text` to `socket` one byte a second, the first at once; returns a stop function. */
function trickle(socket: Socket, text: string): () => void {
  let next = 0
  const send = () => {
    if (next < text.length && !socket.destroyed) socket.write(text[next++]!)
  }
  send()
  const timer = setInterval(send, 1_000)
  return () => clearInterval(timer)
}

function statusCounts(result: autocannon.Result): Record<string, number> {
  const stats = (result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats
  return Object.fromEntries(Object.entries(stats ?? {}).map(([code, { count }]) => [code, count]))
}

let collectGarbage: (() => void) | undefined

/** This isolate's heap after a full collection, in bytes. */
function heapAfterGc(): number {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc')
    collectGarbage = runInNewContext('gc') as () => void
  }
  collectGarbage()
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/**
 * Keep-alive clients in a child process, so that their sockets do not weigh on this process's
 * heap. `open N` connects N more sockets (100 at a time), each sending one GET and holding the
 * connection; it answers how many got a response, how many the server closed unanswered, and
 * how many answered ones are still open. `status` answers the same; `exit` ends it.
 */
const IDLE_CLIENTS = `
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
const port = Number(process.env.EDGE_PORT)
const sockets = []
let answered = 0, refused = 0, closedByServer = 0
const report = () => process.stdout.write(JSON.stringify({ answered, refused, open: answered - closedByServer }) + '\\n')
const openOne = () => new Promise((resolve) => {
  const socket = connect(port, '127.0.0.1')
  let got = false
  socket.on('error', () => undefined)
  socket.once('data', () => { got = true; answered++; sockets.push(socket); resolve() })
  socket.once('close', () => { if (got) closedByServer++; else { refused++; resolve() } })
  socket.write('GET /health/live HTTP/1.1\\r\\nHost: edge\\r\\n\\r\\n')
})
for await (const line of createInterface({ input: process.stdin })) {
  const [command, count] = line.split(' ')
  if (command === 'open') {
    for (let left = Number(count); left > 0; left -= 100) {
      await Promise.all(Array.from({ length: Math.min(100, left) }, openOne))
    }
  }
  if (command === 'exit') { for (const socket of sockets) socket.destroy(); process.exit(0) }
  report()
}
`

function startIdleClients(port: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', IDLE_CLIENTS], {
    env: { PATH: process.env.PATH ?? '', EDGE_PORT: String(port) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(child)
  const waiting: ((line: string) => void)[] = []
  let partial = ''
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString()
    const lines = partial.split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) waiting.shift()?.(line)
  })
  return {
    async command(text: string): Promise<{ answered: number; refused: number; open: number }> {
      if (text === 'exit') {
        child.stdin.write('exit\n')
        await once(child, 'exit')
        return { answered: 0, refused: 0, open: 0 }
      }
      const reply = new Promise<string>((resolve) => waiting.push(resolve))
      child.stdin.write(`${text}\n`)
      return JSON.parse(await reply) as { answered: number; refused: number; open: number }
    },
  }
}

/**
 * Every other request a POST with a body over the 1 MiB limit; counts the answers by status and
 * prints them with wrk's socket errors on one `edge:` line.
 */
const WRK_SCRIPT = `
local threads = {}
local n = 0
local post, get
function setup(thread) table.insert(threads, thread) end
function init(args)
  ok = 0; too_large = 0; other = 0
  -- Formatted here, once wrk has set the Host header these requests need.
  local body = string.rep(" ", ${OVERSIZED.length})
  post = wrk.format("POST", "/performance/cache/clear", { ["Content-Type"] = "application/json" }, body)
  get = wrk.format("GET", "/health/live")
end
function request()
  n = n + 1
  if n % 2 == 0 then return post end
  return get
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 413 then too_large = too_large + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local ok, too_large, other = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("ok"); too_large = too_large + thread:get("too_large"); other = other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format("edge: connect=%d read=%d write=%d timeout=%d ok=%d too_large=%d other=%d\\n",
    e.connect, e.read, e.write, e.timeout, ok, too_large, other))
end
`
