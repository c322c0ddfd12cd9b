import {
  PerformanceObserver,
  constants,
  type NodeGCPerformanceDetail,
  type PerformanceEntry,
} from 'node:perf_hooks'
import type { GcKindStats, GcStats } from './types.js'

type Counted = 'major' | 'minor' | 'incremental' | 'weakCallbacks'

const KIND: Record<number, Counted> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
}

/**
 * Counts GCs and their pauses by kind from `PerformanceObserver('gc')` entries, and calls
 * `onBatch` once per delivered batch (Node delivers them shortly after the collections, outside
 * the GC), saying whether a major GC was among them.
 */
export class GcTracker {
  readonly #kinds: Record<Counted, GcKindStats> = {
    major: empty(),
    minor: empty(),
    incremental: empty(),
    weakCallbacks: empty(),
  }
  #forced = 0
  #observer: PerformanceObserver | undefined

  constructor(readonly onBatch: (sawMajor: boolean) => void) {}

  start() {
    if (this.#observer) return
    this.#observer = new PerformanceObserver((list) => this.#record(list.getEntries()))
    this.#observer.observe({ entryTypes: ['gc'] })
  }

  stop() {
    this.#observer?.disconnect()
    this.#observer = undefined
  }

  stats(forcedByManager: number): GcStats {
    const kinds = this.#kinds
    let count = 0
    let pauseMs = 0
    for (const kind of Object.values(kinds)) {
      count += kind.count
      pauseMs += kind.pauseMs
    }
    return {
      major: { ...kinds.major },
      minor: { ...kinds.minor },
      incremental: { ...kinds.incremental },
      weakCallbacks: { ...kinds.weakCallbacks },
      count,
      pauseMs,
      forced: this.#forced,
      forcedByManager,
      available: typeof globalThis.gc === 'function',
    }
  }

  #record(entries: PerformanceEntry[]) {
    let sawMajor = false
    for (const entry of entries) {
      // @types/node 20 leaves `detail` off PerformanceEntry; Node sets it on every 'gc' entry.
      const detail = (entry as { detail?: Partial<NodeGCPerformanceDetail> }).detail
      const kind = KIND[detail?.kind ?? -1]
      if (kind === undefined) continue
      const stats = this.#kinds[kind]
      stats.count++
      stats.pauseMs += entry.duration
      if (entry.duration > stats.maxPauseMs) stats.maxPauseMs = entry.duration
      if (((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) this.#forced++
      if (kind === 'major') sawMajor = true
    }
    this.onBatch(sawMajor)
  }
}

function empty(): GcKindStats {
  return { count: 0, pauseMs: 0, maxPauseMs: 0 }
}
