/* global process, setInterval */
// Preloaded into every API and worker process the soak starts (`node --import <this file>`):
// once a second it appends { at, rss, heapUsed, eldP99Ms } to the file named by SOAK_PROBE_FILE,
// the event-loop delay p99 over that second. The timer is unref'd: the probe never keeps a
// process alive or delays its shutdown, and it writes nothing to stdout.
import { appendFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const file = process.env.SOAK_PROBE_FILE
if (file) {
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const timer = setInterval(() => {
    const memory = process.memoryUsage()
    const line = {
      at: Date.now(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      eldP99Ms: delay.percentile(99) / 1e6,
    }
    delay.reset()
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`)
    } catch {
      // The harness removed the directory: nothing left to report to.
    }
  }, 1_000)
  timer.unref()
}
