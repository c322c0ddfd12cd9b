import type { LeakSample, LeakSuspectedEvent } from './types.js'

/**
 * Looks at heap use sampled right after major GCs: what survives a full collection is what the
 * program holds, so a run of samples that each rise, by enough in total, suggests a leak.
 */
export class LeakDetector {
  #rising: LeakSample[] = []
  samplesTaken = 0
  suspicions = 0
  lastGrowthBytesPerMinute = 0
  /** When the last suspicion was raised, epoch milliseconds; 0 before the first. */
  lastSuspicionAt = 0
  #holds = 0

  /** Whether a hold ({@link pause}) is in force: samples are ignored. */
  get paused(): boolean {
    return this.#holds > 0
  }

  /**
   * Ignores samples until the returned function is called (holds nest): a seed or bulk load
   * grows the heap on purpose. Releasing the last hold starts a fresh run, so growth from the
   * load never counts toward a suspicion. The release is idempotent.
   */
  pause(): () => void {
    this.#holds++
    this.#rising = []
    let released = false
    return () => {
      if (released) return
      released = true
      this.#holds--
      if (this.#holds === 0) this.#rising = []
    }
  }

  constructor(
    public samples: number,
    public minGrowth: number,
  ) {}

  get risingSamples(): LeakSample[] {
    return this.#rising.map((sample) => ({ ...sample }))
  }

  /** Adds a sample; returns the suspicion when this sample completes a rising run. */
  add(sample: LeakSample): LeakSuspectedEvent | undefined {
    if (this.#holds > 0) return undefined
    this.samplesTaken++
    const last = this.#rising.at(-1)
    if (last !== undefined && sample.heapUsed <= last.heapUsed) {
      this.#rising = [sample]
      return undefined
    }
    this.#rising.push(sample)
    if (this.#rising.length > this.samples) this.#rising.shift()
    if (this.#rising.length < this.samples) return undefined
    const first = this.#rising[0]!
    const growthBytes = sample.heapUsed - first.heapUsed
    if (growthBytes < this.minGrowth) return undefined
    const event: LeakSuspectedEvent = {
      growthBytesPerMinute: slopePerMinute(this.#rising),
      growthBytes,
      windowMs: sample.at - first.at,
      samples: this.#rising,
    }
    this.suspicions++
    this.lastGrowthBytesPerMinute = event.growthBytesPerMinute
    this.lastSuspicionAt = sample.at
    // A new suspicion needs a fresh run, so a steady leak reports once per run, not per GC.
    this.#rising = [sample]
    return event
  }

  /** Forgets the current run (settings changed). */
  reset() {
    this.#rising = []
  }
}

/** Least-squares slope of heap use over time, in bytes per minute. */
function slopePerMinute(samples: readonly LeakSample[]): number {
  const n = samples.length
  const t0 = samples[0]!.at
  let sumT = 0
  let sumY = 0
  for (const sample of samples) {
    sumT += sample.at - t0
    sumY += sample.heapUsed
  }
  const meanT = sumT / n
  const meanY = sumY / n
  let covariance = 0
  let variance = 0
  for (const sample of samples) {
    const dt = sample.at - t0 - meanT
    covariance += dt * (sample.heapUsed - meanY)
    variance += dt * dt
  }
  if (variance === 0) {
    // All samples within one millisecond (back-to-back forced GCs): fall back to the average.
    const span = Math.max(1, samples[n - 1]!.at - t0)
    return ((samples[n - 1]!.heapUsed - samples[0]!.heapUsed) / span) * 60_000
  }
  return (covariance / variance) * 60_000
}
