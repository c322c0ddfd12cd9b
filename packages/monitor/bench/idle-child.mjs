// One idle Node process for the overhead benchmark: sets up the contender named by argv[2],
// lets it warm up, then measures its own CPU time (process.cpuUsage) over argv[3] seconds of
// otherwise idle time and prints it as JSON. Plain JavaScript on the built package, so no
// loader or transpiler runs in the measured process.
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { clearInterval, setInterval } from 'node:timers'
import { setTimeout as sleep } from 'node:timers/promises'
import { createMonitor } from '@bi-perf/monitor'
import { collectDefaultMetrics, Registry } from 'prom-client'

const mode = process.argv[2]
const seconds = Number(process.argv[3] ?? 30)
const WARM_UP_MS = 2_000

let monitor
let scraper
const registry = new Registry()

switch (mode) {
  case 'idle':
    break
  case 'monitor-1s':
    monitor = createMonitor({ interval: '1s' }).start()
    break
  case 'monitor-100ms':
    monitor = createMonitor({ interval: '100ms' }).start()
    break
  case 'monitor-1s-scraped':
    monitor = createMonitor({ interval: '1s' }).start()
    monitor.registerPrometheus(registry)
    scraper = setInterval(() => void registry.metrics(), 1000)
    break
  case 'prom-client-defaults-scraped':
    collectDefaultMetrics({ register: registry })
    scraper = setInterval(() => void registry.metrics(), 1000)
    break
  default: {
    // `monitor-1s-eld-20ms`: at 1 s with the loop-delay histogram at the given resolution.
    const resolution = /^monitor-1s-eld-(\d+)ms$/.exec(mode ?? '')?.[1]
    if (!resolution) throw new Error(`unknown mode ${mode}`)
    monitor = createMonitor({ interval: '1s', eventLoopResolution: Number(resolution) }).start()
  }
}

await sleep(WARM_UP_MS)
const samplesBefore = monitor?.latest()?.monitor.samples ?? 0
const before = process.cpuUsage()
const started = performance.now()
await sleep(seconds * 1000)
const used = process.cpuUsage(before)
const wallMs = performance.now() - started
const cpuMs = (used.user + used.system) / 1000
const window = `${seconds}s`
const summary = monitor?.summary(window)
const samples = (monitor?.latest()?.monitor.samples ?? 0) - samplesBefore
clearInterval(scraper)
await monitor?.stop()
process.stdout.write(
  `${JSON.stringify({
    mode,
    wallMs,
    cpuMs,
    cpuPercent: (cpuMs / wallMs) * 100,
    samples,
    selfReportedPercent: summary?.['monitor.cpuPercent']?.avg,
    collectMs: summary?.['monitor.collectMs']?.avg,
  })}\n`,
)
