// The idle Quick start, measured from inside: starts the built API on embedded defaults (PGlite,
// in-process queue, no Redis) with a probe preloaded into its main thread, keeps the dashboard
// "open" (GET /analytics/dashboard every 15 s, as the page polls), and reports the event-loop
// delay, the process RSS and the database query-cache hit rate over the run.
//
//   node --import tsx apps/api/bench/idle-loop.ts [--minutes 5] [--api apps/api/dist/main.js]
//
// The probe is an `--import` module (through NODE_OPTIONS) that runs in the API's main thread
// only: a 10 ms interval timer records how late each tick fires (the stall a request arriving then
// would wait), beside `monitorEventLoopDelay`, and appends one JSON line every 5 s.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { percentile } from '@bi-perf/bench'
import { captureOutput, freePort } from '@bi-perf/test-services'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    api: { type: 'string', default: 'apps/api/dist/main.js' },
    label: { type: 'string', default: 'this build' },
  },
})
const minutes = Number(values.minutes)
const api = resolve(values.api)
const DASHBOARD_POLL_MS = 15_000
const PROBE_INTERVAL_MS = 10

const PROBE = `
import { appendFileSync } from 'node:fs'
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'
const out = process.env.IDLE_LOOP_OUT
if (isMainThread && out) {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  let gcMaxMs = 0
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration)
  }).observe({ entryTypes: ['gc'] })
  let lateness = []
  let last = performance.now()
  setInterval(() => {
    const now = performance.now()
    lateness.push(Math.max(0, now - last - ${PROBE_INTERVAL_MS}))
    last = now
  }, ${PROBE_INTERVAL_MS}).unref()
  setInterval(() => {
    appendFileSync(out, JSON.stringify({
      at: Date.now(),
      lateness: lateness.map((ms) => Math.round(ms * 100) / 100),
      loopMaxMs: histogram.max / 1e6,
      gcMaxMs,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
    }) + '\\n')
    lateness = []
    gcMaxMs = 0
    histogram.reset()
  }, 5000).unref()
}
`

interface Window {
  at: number
  lateness: number[]
  loopMaxMs: number
  /** Longest garbage-collection pause of the main thread in the window. */
  gcMaxMs: number
  rssMb: number
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const dir = mkdtempSync(join(tmpdir(), 'bi-perf-idle-loop-'))
const probe = join(dir, 'probe.mjs')
const out = join(dir, 'windows.jsonl')
writeFileSync(probe, PROBE)
writeFileSync(out, '')
const port = await freePort()
const base = `http://127.0.0.1:${port}`

// Embedded defaults: nothing from this shell may point the API at a server or Redis.
const env: NodeJS.ProcessEnv = {}
for (const [name, value] of Object.entries(process.env)) {
  if (!/^(BI_PERF_|DATABASE_URL$|REDIS_URL$|NODE_OPTIONS$)/.test(name)) env[name] = value
}
const child = spawn(process.execPath, [api], {
  env: {
    ...env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_OPTIONS: `--import ${pathToFileURL(probe).href}`,
    IDLE_LOOP_OUT: out,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
})
const output = captureOutput(child).all

try {
  const started = Date.now()
  let token: string | undefined
  while (!(token = /#token=([\w.-]+)/.exec(output())?.[1])) {
    if (child.exitCode !== null || Date.now() - started > 120_000) {
      throw new Error(`the API did not start:\n${output().slice(-2000)}`)
    }
    await sleep(200)
  }
  const headers = { authorization: `Bearer ${token}` }
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  // Seeding first (the dashboard answers 503 until the dataset is in): not part of the idle run.
  while ((await get('/analytics/dashboard')).status !== 200) {
    if (Date.now() - started > 600_000) throw new Error('the demo never became ready')
    await sleep(2000)
  }
  const seededAt = Date.now()
  console.log(`${values.label}: demo ready after ${((seededAt - started) / 1000).toFixed(1)} s`)
  const cacheOf = async () => {
    const stats = (await get('/performance/database/stats')).body as {
      cache?: { hits: number; misses: number }
    }
    return stats.cache ?? { hits: 0, misses: 0 }
  }
  const cacheBefore = await cacheOf()
  const until = seededAt + minutes * 60_000
  while (Date.now() < until) {
    await get('/analytics/dashboard')
    await sleep(Math.min(DASHBOARD_POLL_MS, Math.max(0, until - Date.now())))
  }
  const cacheAfter = await cacheOf()
  await sleep(5500) // the probe's last window

  const windows = readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Window)
    .filter((window) => window.at > seededAt + 5000 && window.at <= until + 5000)
  const lateness = windows.flatMap((window) => window.lateness)
  const rss = windows.map((window) => window.rssMb)
  const lastMinute = windows.filter((window) => window.at > until - 60_000).map((w) => w.rssMb)
  const hits = cacheAfter.hits - cacheBefore.hits
  const misses = cacheAfter.misses - cacheBefore.misses
  const spikes = windows.filter((window) => Math.max(0, ...window.lateness) > 50).length
  // Which windows stalled, and whether a GC pause explains it.
  for (const window of windows) {
    const worst = Math.max(0, ...window.lateness)
    if (worst > 50) {
      console.log(
        `stall ${worst.toFixed(1)} ms at ${new Date(window.at).toISOString()} (longest GC pause in that window ${window.gcMaxMs.toFixed(1)} ms)`,
      )
    }
  }
  console.log(
    [
      `| run | minutes | loop delay max ms | loop delay p99 ms | monitorEventLoopDelay max ms | longest GC pause ms | 5 s windows with a stall > 50 ms | RSS steady MB (median, last minute) | RSS max MB | query-cache hit rate (hits / lookups) |`,
      `|---|---|---|---|---|---|---|---|---|---|`,
      `| ${values.label} | ${minutes} | ${Math.max(...lateness).toFixed(1)} | ${percentile(lateness, 0.99).toFixed(1)} | ${Math.max(...windows.map((w) => w.loopMaxMs)).toFixed(1)} | ${Math.max(...windows.map((w) => w.gcMaxMs)).toFixed(1)} | ${spikes} / ${windows.length} | ${percentile(lastMinute.length > 0 ? lastMinute : rss, 0.5).toFixed(0)} | ${Math.max(...rss).toFixed(0)} | ${hits + misses === 0 ? '–' : `${((100 * hits) / (hits + misses)).toFixed(1)} % (${hits} / ${hits + misses})`} |`,
    ].join('\n'),
  )
} finally {
  child.kill('SIGTERM')
  await new Promise((done) => {
    if (child.exitCode !== null) done(undefined)
    else child.once('exit', done)
  })
  rmSync(dir, { recursive: true, force: true })
}
