import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { LoadProbe } from './types.js'

/**
 * A {@link LoadProbe} for this process: CPU as a fraction of one core since the previous sample
 * (`process.cpuUsage()`), and the event loop's p99 delay since the previous sample
 * (`monitorEventLoopDelay`, a libuv timer histogram: no timer of ours, nothing to unref).
 * `stop()` disables the histogram.
 *
 * @example
 * const tasks = createTaskQueue({
 *   name: 'insights',
 *   redis: process.env.REDIS_URL,
 *   concurrency: { min: 2, max: 20 },
 *   autoscale: { probe: createLoadProbe() },
 * })
 */
export function createLoadProbe({ resolution = 20 } = {}): LoadProbe {
  const histogram = monitorEventLoopDelay({ resolution })
  histogram.enable()
  let lastCpu = process.cpuUsage()
  let lastAt = process.hrtime.bigint()
  return {
    sample() {
      const now = process.hrtime.bigint()
      const cpu = process.cpuUsage(lastCpu)
      const elapsedUs = Number(now - lastAt) / 1_000
      lastCpu = process.cpuUsage()
      lastAt = now
      const p99 = histogram.percentile(99) / 1e6
      histogram.reset()
      return {
        cpu: elapsedUs > 0 ? (cpu.user + cpu.system) / elapsedUs : 0,
        eventLoopDelayMs: Number.isFinite(p99) ? Math.max(0, p99 - resolution) : 0,
      }
    },
    stop() {
      histogram.disable()
    },
  }
}
