/**
 * Test helpers for the metrics history and the recommendation rules: a complete, healthy
 * {@link OptimizerMetrics} whose fields any test can override, and a feeder that records a
 * sequence of them. Not exported from the package.
 */
import type { CacheStats } from '@bi-perf/cache'
import type { DatabaseStats } from '@bi-perf/db'
import type { MemoryStats } from '@bi-perf/memory'
import type { MonitorSnapshot } from '@bi-perf/monitor'
import type { TaskQueueStatus } from '@bi-perf/tasks'
import type { MetricsHistory } from './metrics-history.js'
import { createMetricsHistory } from './metrics-history.js'
import type { RuleContext } from './recommend-rule.js'
import type { OptimizerMetrics, TuningValues } from './types.js'

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB

/** Start of every fed sequence, epoch milliseconds. */
export const T0 = Date.UTC(2026, 0, 1)

/** Five minutes, the usual rule window. */
export const WINDOW_MS = 5 * 60_000

/** Every field optional, all the way down; arrays and `undefined` replace what they override. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T

/** Overrides of {@link buildMetrics}. */
export type MetricsOverrides = DeepPartial<OptimizerMetrics>

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `base` with `patch` laid over it: objects merge, anything else (arrays, `undefined`) replaces. */
function merge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch as T
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    result[key] = key in result && isPlainObject(value) ? merge(result[key], value) : value
  }
  return result as T
}

/** The `balanced` profile's values, spelled out so the tests do not move when profiles do. */
function tuning(): TuningValues {
  return {
    cache: {
      ttlMs: 3_600_000,
      l1MaxEntries: 10_000,
      l1MaxBytes: 64 * MiB,
      compressionThreshold: 1024,
    },
    db: { poolMax: 10, cacheTtlMs: 60_000 },
    tasks: { concurrencyMin: 1, concurrencyMax: 10 },
    memory: { softLimit: 0.7, hardLimit: 0.85 },
  }
}

function cacheStats(): CacheStats {
  return {
    hits: 0,
    misses: 0,
    hitRate: 0,
    staleServed: 0,
    coalesced: 0,
    loads: 0,
    loadErrors: 0,
    l1: {
      enabled: true,
      hits: 0,
      misses: 0,
      sets: 0,
      deletes: 0,
      evictions: 0,
      entries: 100,
      bytes: 8 * MiB,
      maxEntries: 10_000,
      maxBytes: 64 * MiB,
    },
    l2: {
      hits: 0,
      misses: 0,
      sets: 0,
      deletes: 0,
      errors: 0,
      timeouts: 0,
      skipped: 0,
      latencyMs: { p50: 0.3, p95: 0.8, p99: 1.5, count: 1_000 },
      connection: 'ready',
      breaker: 'closed',
      pendingInvalidations: 0,
      resyncs: 0,
      invalidationsReceived: 0,
      subscribed: true,
    },
    compression: { codec: 'lz4', compressed: 0, bytesSaved: 0 },
  }
}

function databaseStats(): DatabaseStats {
  const latency = { count: 0, p50: 0, p95: 0, p99: 0, max: 0 }
  return {
    backend: 'postgres',
    pool: {
      max: 10,
      min: 0,
      total: 2,
      idle: 2,
      active: 0,
      waiting: 0,
      saturation: 0,
      acquired: 0,
      acquireTimeouts: 0,
      connectionsCreated: 2,
      connectionsFailed: 0,
      idleErrors: 0,
      acquireWaitMs: latency,
      acquireWaitHistogram: [],
    },
    queries: { executed: 0, errors: 0, shapes: 0, slowQueryMs: 200, top: [], slow: [] },
    cache: {
      hits: 0,
      misses: 0,
      hitRate: 0,
      coalesced: 0,
      stored: 0,
      skippedStale: 0,
      bypassed: 0,
      invalidations: 0,
      storeErrors: 0,
    },
    transactions: { committed: 0, rolledBack: 0 },
  }
}

function taskStatus(): TaskQueueStatus {
  return {
    name: 'jobs',
    backend: 'memory',
    worker: true,
    closed: false,
    counts: { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0, backlog: 0 },
    throughputPerMinute: 0,
    averageWaitMs: 5,
    averageProcessingMs: 20,
    failureRate: 0,
    processed: { completed: 0, failed: 0, retried: 0 },
    availability: {
      available: true,
      connection: 'in-process',
      breaker: 'closed',
      downSince: null,
      reason: null,
    },
    concurrency: 1,
    autoscaler: { enabled: true, min: 1, max: 10, decisions: [] },
  }
}

function memoryStats(): MemoryStats {
  const levelStats = {
    actions: 0,
    hooks: 0,
    hooksRun: 0,
    hookErrors: 0,
    hookTimeouts: 0,
    lastActionAt: 0,
    armed: true,
  }
  const gcKind = { count: 0, pauseMs: 0, maxPauseMs: 0 }
  return {
    at: T0,
    level: 'normal',
    heap: {
      used: 1 * GiB,
      total: 1.2 * GiB,
      limit: 4 * GiB,
      ratio: 0.25,
      external: 10 * MiB,
      v8Limit: 4 * GiB,
      available: 3 * GiB,
      malloced: MiB,
      rss: 1.5 * GiB,
      arrayBuffers: MiB,
      nativeContexts: 1,
      detachedContexts: 0,
    },
    spaces: [],
    gc: {
      major: gcKind,
      minor: gcKind,
      incremental: gcKind,
      weakCallbacks: gcKind,
      count: 0,
      pauseMs: 0,
      forced: 0,
      forcedByManager: 0,
      available: false,
    },
    pressure: {
      checks: 0,
      gcChecks: 0,
      soft: levelStats,
      hard: { ...levelStats, gcForced: 0, gcRateLimited: 0, gcUnavailable: 0 },
      listenerErrors: 0,
    },
    leak: {
      enabled: true,
      samplesTaken: 0,
      risingSamples: [],
      suspicions: 0,
      lastGrowthBytesPerMinute: 0,
      lastSuspicionAt: 0,
      paused: false,
    },
    pools: [],
    snapshots: {
      written: 0,
      failed: 0,
      inProgress: false,
      lastPath: null,
      lastAt: 0,
      lastDurationMs: 0,
    },
    settings: {
      softLimit: 0.7,
      hardLimit: 0.85,
      hysteresis: 0.05,
      minGcInterval: 30_000,
      checkInterval: 1_000,
      rearmInterval: 60_000,
      hookTimeout: 5_000,
      heapLimit: null,
      leakDetection: true,
      leakSamples: 5,
      leakMinGrowth: MiB,
    },
    closed: false,
  }
}

function systemSnapshot(): MonitorSnapshot {
  return {
    timestamp: T0,
    elapsedMs: 1_000,
    source: 'proc',
    cpu: { total: 20, user: 15, system: 5, iowait: 0, steal: 0, cores: [20, 20] },
    load: { avg1: 0.4, avg5: 0.3, avg15: 0.2 },
    memory: {
      total: 16 * GiB,
      used: 6 * GiB,
      available: 10 * GiB,
      free: 4 * GiB,
      usedPercent: 37.5,
      swapTotal: 0,
      swapUsed: 0,
      swapUsedPercent: 0,
    },
    filesystems: {
      sampledAt: T0,
      entries: [
        {
          mount: '/',
          device: '/dev/vda1',
          type: 'ext4',
          size: 100 * GiB,
          used: 50 * GiB,
          available: 50 * GiB,
          usedPercent: 50,
        },
      ],
    },
    disk: null,
    network: null,
    process: null,
    eventLoop: {
      delay: { min: 0, mean: 1, p50: 1, p90: 2, p99: 12, max: 20 },
      utilization: 10,
      resolutionMs: 10,
    },
    monitor: { cpuPercent: 0.1, collectMs: 1, samples: 1, skipped: 0, errors: 0 },
    errors: [],
  }
}

/**
 * A complete, healthy {@link OptimizerMetrics} with the `balanced` profile's tuning at {@link T0}, every
 * component present and every counter at zero, with `overrides` laid over it. Give a component
 * as `undefined` to leave it out.
 *
 * @example
 * buildMetrics({ db: { pool: { waiting: 3 } }, memory: undefined })
 */
export function buildMetrics(overrides: MetricsOverrides = {}): OptimizerMetrics {
  const base: OptimizerMetrics = {
    at: T0,
    profile: 'balanced',
    uptimeMs: 60_000,
    tuning: tuning(),
    cache: cacheStats(),
    db: databaseStats(),
    tasks: taskStatus(),
    memory: memoryStats(),
    system: systemSnapshot(),
  }
  return merge(base, overrides)
}

/** Options of {@link feed}. */
export interface FeedOptions {
  /** Records to make. @default 10 */
  count?: number
  /** Time between records, milliseconds. @default 30_000 */
  intervalMs?: number
  /** The history to record into. @default a new one */
  history?: MetricsHistory
}

/**
 * Records `count` metrics `intervalMs` apart from {@link T0}, each built from `step(i)` (the
 * monitor snapshot's timestamp follows `at`, so each record is a fresh sample), and returns the
 * rule context of the last one over {@link WINDOW_MS}.
 *
 * @example
 * const ctx = feed((i) => ({ db: { pool: { waiting: 7 } } }))
 */
export function feed(
  step: (index: number) => MetricsOverrides,
  { count = 10, intervalMs = 30_000, history = createMetricsHistory() }: FeedOptions = {},
): RuleContext & { history: MetricsHistory } {
  let metrics = buildMetrics()
  for (let index = 0; index < count; index++) {
    const at = T0 + index * intervalMs
    metrics = buildMetrics(merge({ at, system: { timestamp: at } }, step(index)))
    history.record(metrics)
  }
  return { metrics, history, windowMs: WINDOW_MS }
}
