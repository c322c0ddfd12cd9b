import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { round2 } from './proc-parsers.js'
import { messageOf } from './system-sampler.js'
import type { CollectorError, EventLoopStats, ProcessStats } from './types.js'

/**
 * This process's figures from Node built-ins. Everything is synchronous and cheap (the costliest
 * call, `process.memoryUsage()`, reads `/proc/self/stat` for the RSS: a few microseconds, as in
 * prom-client's default metrics).
 */
export class ProcessSampler {
  readonly #resolutionMs: number
  readonly #heapLimit = getHeapStatistics().heap_size_limit
  #histogram: IntervalHistogram | undefined
  /** When the histogram was last reset, and the lateness of a timer set then (see #eventLoop). */
  #resetAt = 0
  #gapCheck: NodeJS.Timeout | undefined
  #gapDelayMs: number | undefined
  #cpu: NodeJS.CpuUsage | undefined
  #elu: EventLoopUtilization | undefined
  #at = 0

  constructor(resolutionMs: number) {
    this.#resolutionMs = resolutionMs
  }

  /** Turns the delay histogram on and sets the baselines of the CPU and utilization deltas. */
  start(): void {
    // The histogram's timer is unref'd by Node: it never keeps the process alive.
    this.#histogram = monitorEventLoopDelay({ resolution: this.#resolutionMs })
    this.#histogram.enable()
    this.#cpu = process.cpuUsage()
    this.#elu = performance.eventLoopUtilization()
    this.#at = performance.now()
    this.#armGapCheck(this.#at)
  }

  stop(): void {
    this.#histogram?.disable()
    this.#histogram = undefined
    clearTimeout(this.#gapCheck)
    this.#gapCheck = undefined
  }

  sample(errors: CollectorError[]): {
    process: ProcessStats | null
    eventLoop: EventLoopStats | null
  } {
    const now = performance.now()
    const elapsedMs = now - this.#at
    this.#at = now
    let processStats: ProcessStats | null = null
    try {
      processStats = this.#processStats(elapsedMs)
    } catch (error) {
      errors.push({ collector: 'process', message: messageOf(error) })
    }
    let eventLoop: EventLoopStats | null = null
    try {
      eventLoop = this.#eventLoop()
    } catch (error) {
      errors.push({ collector: 'eventLoop', message: messageOf(error) })
    }
    return { process: processStats, eventLoop }
  }

  #processStats(elapsedMs: number): ProcessStats {
    const memory = process.memoryUsage()
    const cpu = process.cpuUsage()
    const before = this.#cpu ?? cpu
    this.#cpu = cpu
    // cpuUsage is in microseconds: µs / (ms * 1000) * 100 = µs / ms / 10.
    const percent = (micros: number) => (elapsedMs > 0 ? round2(micros / elapsedMs / 10) : 0)
    const user = cpu.user - before.user
    const system = cpu.system - before.system
    const byType: Record<string, number> = {}
    const resources = process.getActiveResourcesInfo()
    for (const type of resources) byType[type] = (byType[type] ?? 0) + 1
    return {
      pid: process.pid,
      rss: memory.rss,
      heap: { used: memory.heapUsed, total: memory.heapTotal, limit: this.#heapLimit },
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      cpu: { total: percent(user + system), user: percent(user), system: percent(system) },
      activeResources: resources.length,
      activeResourcesByType: byType,
      uptime: round2(process.uptime()),
    }
  }

  #eventLoop(): EventLoopStats {
    const now = performance.eventLoopUtilization()
    const utilization = this.#elu ? performance.eventLoopUtilization(now, this.#elu) : now
    this.#elu = now
    const histogram = this.#histogram
    let delay: EventLoopStats['delay'] = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 }
    if (histogram) {
      const at = performance.now()
      let gap = this.#gapDelayMs
      if (gap === undefined) {
        // The check has not run yet: the loop was held since the reset, or the interval is
        // shorter than the resolution. What has passed so far is the lateness.
        clearTimeout(this.#gapCheck)
        gap = Math.max(0, at - this.#resetAt - this.#resolutionMs)
      }
      delay = delayStats(histogram, this.#resolutionMs, gap)
      histogram.reset()
      this.#armGapCheck(at)
    }
    return {
      delay,
      utilization: round2(utilization.utilization * 100),
      resolutionMs: this.#resolutionMs,
    }
  }

  /**
   * `reset()` also forgets when the histogram's timer last ran, so the first interval after a
   * reset is not recorded: a stall starting right after a sample would be missed. A one-shot
   * timer set at the reset measures that interval instead.
   */
  #armGapCheck(at: number): void {
    this.#resetAt = at
    this.#gapDelayMs = undefined
    this.#gapCheck = setTimeout(() => {
      this.#gapDelayMs = Math.max(0, performance.now() - this.#resetAt - this.#resolutionMs)
      this.#gapCheck = undefined
    }, this.#resolutionMs)
    this.#gapCheck.unref()
  }
}

/** The part of `monitorEventLoopDelay`'s histogram the statistics read. */
export interface DelayHistogram {
  readonly count: number
  readonly min: number
  readonly max: number
  readonly mean: number
  percentile(percentile: number): number
}

/**
 * Delay statistics in milliseconds from the histogram (nanoseconds between two timer callbacks,
 * so the resolution is taken out) merged with one more delay, `extraMs`, measured outside it.
 * Percentiles are nearest-rank over the merged values.
 */
export function delayStats(
  histogram: DelayHistogram,
  resolutionMs: number,
  extraMs: number,
): EventLoopStats['delay'] {
  const count = histogram.count
  if (count === 0) {
    const only = round2(extraMs)
    return { min: only, mean: only, p50: only, p90: only, p99: only, max: only }
  }
  const late = (nanos: number) => Math.max(0, nanos / 1e6 - resolutionMs)
  // The k-th smallest recorded value (1-based); asking for rank k - 0.5 keeps float rounding
  // from landing on k + 1.
  const ranked = (k: number) => late(histogram.percentile((100 * (k - 0.5)) / count))
  const percentile = (q: number) => {
    const rank = Math.ceil((q / 100) * (count + 1))
    if (rank <= count) {
      const atRank = ranked(rank)
      if (extraMs >= atRank) return atRank
    }
    return rank > 1 ? Math.max(extraMs, ranked(rank - 1)) : extraMs
  }
  return {
    min: round2(Math.min(late(histogram.min), extraMs)),
    mean: round2((late(histogram.mean) * count + extraMs) / (count + 1)),
    p50: round2(percentile(50)),
    p90: round2(percentile(90)),
    p99: round2(percentile(99)),
    max: round2(Math.max(late(histogram.max), extraMs)),
  }
}
