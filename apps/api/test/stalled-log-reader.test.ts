import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApiBundle, killApiProcesses, startApi, type ApiProcess } from './api-process.js'
import { waitFor } from './helpers.js'

// The built server (`dist/main.js`) with its stdout on a pipe the test stops reading, the way a
// stuck log shipper or a Node parent that never reads its child's output leaves it. Built here
// so the test never runs a stale bundle; workspace packages resolve to their sources.
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const METRICS_TOKEN = `metrics-${randomUUID()}`
/** main.ts: drain 10 s + margin 5 s, then exit 1; the watchdog SIGKILLs 2 s later. */
const HARD_DEADLINE_MS = 17_000

beforeAll(buildApiBundle, 120_000)

const running: ChildProcess[] = []
afterAll(() => {
  killApiProcesses()
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
})

/**
 * Starts `node dist/main.js` (demo workload on PGlite, access log on) and reads its stdout until
 * the demo dataset is seeded, so the load below meets a server past its start-up work.
 */
function startDemoApi(): Promise<ApiProcess> {
  return startApi(
    {
      NODE_ENV: 'development',
      // One access line per request at info.
      BI_PERF_LOG_LEVEL: 'info',
      BI_PERF_SERVER_METRICS_TOKEN: METRICS_TOKEN,
    },
    {
      entry: 'dist/main.js',
      until: (out) => out.includes('demo dataset seeded') || out.includes('demo dataset present'),
      timeoutMs: 90_000,
    },
  )
}

/** Keep-alive load on 10 connections, and a way to stop it early. */
function startLoad(options: { url: string; amount?: number; duration?: number }) {
  let instance: autocannon.Instance | undefined
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ connections: 10, ...options }, (error: Error | null, done) =>
      error ? reject(error) : resolve(done),
    )
  })
  return { result, stop: () => instance?.stop() }
}

/** `amount` requests, stopped after `limitMs` whatever is done. */
async function load(url: string, amount: number, limitMs: number): Promise<autocannon.Result> {
  const running = startLoad({ url, amount })
  const stop = setTimeout(running.stop, limitMs)
  const result = await running.result
  clearTimeout(stop)
  return result
}

async function droppedLines(api: ApiProcess): Promise<number> {
  const response = await fetch(`${api.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  })
  expect(response.status).toBe(200)
  const match = /^bi_perf_log_lines_dropped_total (\d+)$/m.exec(await response.text())
  expect(match).not.toBeNull()
  return Number(match![1])
}

describe('a log reader that stops reading', () => {
  it('never slows serving, counts the dropped lines, and shuts down within the deadline', async () => {
    const api = await startDemoApi()
    api.stall()

    // 10 000 access lines (~2.5 MB) fill the pipe and the 1 MiB buffer many times over. When a
    // full pipe stalled the server it managed 35 requests a second: 10 000 would take 5 minutes.
    const result = await load(`${api.url}/health`, 10_000, 60_000)
    expect(result.errors).toBe(0)
    expect(result.non2xx).toBe(0)
    expect(result['2xx']).toBe(10_000)
    expect(await droppedLines(api)).toBeGreaterThan(1_000)

    // SIGTERM in the middle of more load: the drain ends, the process exits 0 in time.
    const more = startLoad({ url: `${api.url}/health`, duration: 60 })
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const signalledAt = performance.now()
    api.child.kill('SIGTERM')
    const ended = await api.ended
    const ms = performance.now() - signalledAt
    more.stop()
    await more.result
    expect(ended).toEqual({ code: 0, signal: null })
    expect(ms).toBeLessThan(HARD_DEADLINE_MS)
  }, 240_000)

  it('writes the lines again and says how many it dropped once the reader resumes', async () => {
    const api = await startDemoApi()
    api.stall()
    const result = await load(`${api.url}/health`, 10_000, 60_000)
    expect(result['2xx']).toBe(10_000)
    const dropped = await droppedLines(api)
    expect(dropped).toBeGreaterThan(0)

    api.resume()
    await waitFor(() => api.stdout().includes('log lines dropped'), {
      timeoutMs: 30_000,
      what: 'the dropped-lines notice',
    })
    const notice = api
      .stdout()
      .split('\n')
      .filter((line) => line.includes('log lines dropped'))
      .map((line) => JSON.parse(line) as { level: string; droppedLines: number })
    expect(notice).toHaveLength(1)
    expect(notice[0]!.level).toBe('warn')
    // Every line dropped so far, the access line of that /metrics request included.
    expect(notice[0]!.droppedLines).toBeGreaterThanOrEqual(dropped)
    expect(await droppedLines(api)).toBe(notice[0]!.droppedLines)

    // A request after the notice has its access line written.
    const path = `/after-resume-${randomUUID()}`
    expect((await fetch(`${api.url}${path}`)).status).toBe(404)
    await waitFor(() => api.stdout().includes(`"path":"${path}"`), {
      timeoutMs: 10_000,
      what: 'the access line of a request after the reader resumed',
    })
    api.child.kill('SIGTERM')
    expect(await api.ended).toEqual({ code: 0, signal: null })
  }, 240_000)
})

describe('the shutdown watchdog', () => {
  it('kills a process whose shutdown blocks in a write to a pipe nobody reads', async () => {
    // A handler doing what pino's exit flush (SonicBoom's flushSync) did: write 4 MiB to stdout
    // synchronously, sleeping 100 ms on the main thread whenever the pipe is full (EAGAIN).
    const script = `
      import { writeSync } from 'node:fs'
      import { onShutdownSignal } from '@bi-perf/core'
      const sleep = new Int32Array(new SharedArrayBuffer(4))
      onShutdownSignal(() => {
        const data = Buffer.alloc(4 << 20, 120)
        for (let offset = 0; offset < data.length; ) {
          try { offset += writeSync(1, data, offset) }
          catch (error) { if (error.code !== 'EAGAIN') throw error; Atomics.wait(sleep, 0, 0, 100) }
        }
      }, { timeout: '1s', killAfter: '1s' })
      setInterval(() => {}, 60_000)
      writeSync(2, 'ready\\n')
    `
    const child = spawn(
      process.execPath,
      ['--conditions=@bi-perf/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    running.push(child)
    child.stdout.pause()
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    )
    await waitFor(() => err.includes('ready'), { timeoutMs: 30_000, what: 'the script ready' })
    const signalledAt = performance.now()
    child.kill('SIGTERM')
    const ended = await exit
    const ms = performance.now() - signalledAt
    // timeout 1 s + killAfter 1 s; 15 s is far beyond any scheduling delay.
    expect(ended).toEqual({ code: null, signal: 'SIGKILL' })
    expect(ms).toBeGreaterThanOrEqual(1_900)
    expect(ms).toBeLessThan(15_000)
  }, 60_000)
})
