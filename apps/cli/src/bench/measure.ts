/** What one timed run measured. */
export interface Measurement {
  operations: number
  elapsedMs: number
  opsPerSec: number
  /** Latency percentiles of the calls, in milliseconds. */
  p50Ms: number
  p99Ms: number
  meanMs: number
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** How long to keep calling. */
  durationMs: number
  /**
   * Calls in flight at once.
   * @default 1
   */
  concurrency?: number
  /** Called about every 100 ms with the share of `durationMs` elapsed (0–1). */
  onProgress?: (fraction: number) => void
  /**
   * Stop early after this many calls.
   * @default Infinity
   */
  maxOperations?: number
  /** Checked before every call: `true` ends the run early (e.g. after a 429). */
  shouldStop?: () => boolean
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

/** Latencies kept per run: enough for a stable p99, bounded memory on fast calls. */
const MAX_LATENCIES = 200_000

/**
 * Calls `fn` back to back (`concurrency` loops) for `durationMs` and reports throughput and
 * latency. Short on purpose: CLI benchmarks catch regressions, `pnpm bench` measures precisely.
 *
 * @example
 * const { opsPerSec } = await measure(() => cache.get('k'), { durationMs: 1500 })
 */
export async function measure(
  fn: () => Promise<unknown>,
  options: MeasureOptions,
): Promise<Measurement> {
  const concurrency = options.concurrency ?? 1
  const maxOperations = options.maxOperations ?? Number.POSITIVE_INFINITY
  const latencies: number[] = []
  let operations = 0
  const started = performance.now()
  const deadline = started + options.durationMs
  let lastProgress = started
  const worker = async () => {
    while (operations < maxOperations) {
      const now = performance.now()
      if (now >= deadline || options.shouldStop?.() === true) return
      if (options.onProgress && now - lastProgress >= 100) {
        lastProgress = now
        options.onProgress((now - started) / options.durationMs)
      }
      const before = performance.now()
      await fn()
      const latency = performance.now() - before
      operations += 1
      if (latencies.length < MAX_LATENCIES) latencies.push(latency)
      else latencies[operations % MAX_LATENCIES] = latency
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  options.onProgress?.(1)
  latencies.sort((a, b) => a - b)
  const total = latencies.reduce((sum, value) => sum + value, 0)
  return {
    operations,
    elapsedMs,
    opsPerSec: operations / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.length === 0 ? 0 : total / latencies.length,
  }
}
