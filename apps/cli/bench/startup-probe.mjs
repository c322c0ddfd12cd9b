// Preloaded with `node --import ./bench/startup-probe.mjs …` into the measured CLI process (plain
// JavaScript, so no transpiler runs in it; the variable is not BI_PERF_*, which core
// validates). From the first line of start-up to exit it records
// the longest event-loop block, and at exit writes one JSON line to the file named by
// STARTUP_PROBE_FILE: { maxLoopBlockMs, maxRssBytes, uptimeMs }.
import { appendFileSync } from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import process from 'node:process'

const file = process.env.STARTUP_PROBE_FILE
// 1 ms resolution: a block shows as the lateness of a 1 ms timer, so the figure is the block
// itself within a millisecond.
const histogram = monitorEventLoopDelay({ resolution: 1 })
histogram.enable()

process.on('exit', () => {
  histogram.disable()
  if (!file) return
  const record = {
    // The histogram is in nanoseconds; it stays at its initial huge value if it never ran.
    maxLoopBlockMs: histogram.count === 0 ? 0 : histogram.max / 1e6,
    // resourceUsage reports kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    uptimeMs: performance.now(),
  }
  appendFileSync(file, `${JSON.stringify(record)}\n`)
})
