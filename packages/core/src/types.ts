import type { CacheStats } from '@bi-perf/cache'
import type { DatabaseStats } from '@bi-perf/db'
import type { MemoryStats } from '@bi-perf/memory'
import type { MonitorSnapshot } from '@bi-perf/monitor'
import type { TaskQueueStatus } from '@bi-perf/tasks'

/** The built-in optimization profiles. */
export type ProfileName = 'balanced' | 'memory' | 'performance'

/** The components an optimizer may run. */
export type ComponentName = 'cache' | 'db' | 'tasks' | 'memory' | 'monitor'

/**
 * The values a profile sets and the recommendations reason about: what is live right now.
 * Durations in milliseconds, sizes in bytes.
 */
export interface TuningValues {
  cache: {
    /** Default TTL. */
    ttlMs: number
    l1MaxEntries: number
    l1MaxBytes: number
    /** Values above this many serialized bytes are compressed in Redis. */
    compressionThreshold: number
  }
  db: {
    poolMax: number
    /** Default TTL of `db.cached()` results. */
    cacheTtlMs: number
  }
  tasks: {
    concurrencyMin: number
    concurrencyMax: number
  }
  memory: {
    softLimit: number
    hardLimit: number
  }
}

/** Health of one component. */
export type HealthState = 'ok' | 'degraded' | 'down'

/** What `status()` says about one component. */
export interface ComponentStatus {
  state: HealthState
  /** Why it is not `ok`, e.g. `Redis circuit open since 2026-11-28T23:40:00.000Z`; empty when ok. */
  reasons: string[]
}

/**
 * One typed object with every running component's figures, from the latest samples. A component
 * that is disabled is absent.
 */
export interface OptimizerMetrics {
  /** When this object was assembled, epoch milliseconds. */
  at: number
  profile: ProfileName
  uptimeMs: number
  /** The values live now (profile plus configuration overrides). */
  tuning: TuningValues
  cache?: CacheStats
  db?: DatabaseStats
  tasks?: TaskQueueStatus
  memory?: MemoryStats
  /** The monitor's latest snapshot, absent before its first sample. */
  system?: MonitorSnapshot
  /**
   * Seeds and bulk loads marked with `optimizer.bulkLoad()`: how many run now, and when the last
   * one ended (epoch milliseconds, `null` before the first). Absent when none ever ran.
   */
  bulkLoad?: { running: number; lastEndedAt: number | null }
}

/** How urgent a recommendation is; lists are sorted critical first. */
export type RecommendationPriority = 'critical' | 'high' | 'medium' | 'low'

/** The figures behind a recommendation. */
export interface RecommendationEvidence {
  /** The metric, e.g. `db.pool.waiting.p95`. */
  metric: string
  /** Its observed value. */
  value: number
  /** The threshold the rule compares it with. */
  threshold: number
  /** The window the value covers, e.g. `5m`, or `now` for an instant reading. */
  window: string
  /**
   * The evidence in words and human units, e.g. `heap after GC grew 12.4 MiB/min over 5 min
   * (threshold 1 % of the 4.0 GiB limit per min)`.
   */
  summary: string
}

/** How to apply a recommendation's action. */
export interface RecommendationApply {
  /** YAML key and value, e.g. `cache.ttl: 2h` (absent when no configuration key applies). */
  yaml?: string
  /** Environment variable assignment, e.g. `BI_PERF_CACHE_TTL=2h`. */
  env?: string
  /** A command, e.g. `bi-performance optimize memory` or `bi-performance heap-snapshot`. */
  command?: string
  /** Whether the change needs a restart of the service. */
  restart: boolean
}

/** One recommendation: what is wrong, the evidence, and the concrete change to make. */
export interface Recommendation {
  /** Stable rule id, e.g. `db.pool-waiting`. */
  id: string
  priority: RecommendationPriority
  /** The component it concerns. */
  component: ComponentName | 'system'
  title: string
  evidence: RecommendationEvidence
  /** A concrete change with values, e.g. `raise database.pool.max from 10 to 20`. */
  action: string
  /** How to apply the action: configuration key, environment variable, command, restart. */
  apply: RecommendationApply
}

/** What `status()` returns. */
export interface OptimizerStatus {
  /** The worst state of any component (`ok` when none is degraded or down). */
  state: HealthState
  /** One entry per enabled component. */
  components: Partial<Record<ComponentName, ComponentStatus>>
  profile: ProfileName
  /** This process: `host:pid`. */
  instance: string
  /**
   * Every live instance sharing this Redis (heartbeats younger than 15 s), this one included;
   * only this one without Redis.
   */
  instances: string[]
  /** Whether `start()` ran and `stop()` did not. */
  running: boolean
  /** ISO 8601 time of `start()`, `null` before it. */
  startedAt: string | null
  uptimeMs: number
  /** Time to exhaustion of the heap, disks, task backlog and database pool. */
  forecasts: Forecast[]
}

/** One setting a profile change moved. */
export interface SettingChange {
  /** The configuration path, e.g. `cache.l1.maxBytes`. */
  setting: string
  from: number
  to: number
}

/**
 * A setting the new profile asks to change that has no effect on this configuration's backend:
 * embedded PGlite caps the pool at 1, the compression threshold only matters with Redis, a
 * disabled component ignores its settings.
 */
export interface HeldSetting {
  /** The configuration path, e.g. `database.pool.max`. */
  setting: string
  /** The value the profile asks for. */
  requested: number
  /** Why it does not apply, e.g. `capped at 1 by embedded PGlite`. */
  reason: string
}

/** What `applyProfile()` did. */
export interface ProfileChange {
  profile: ProfileName
  previous: ProfileName
  /**
   * Settings whose live value changed (none when the profile was already active). Settings this
   * backend caps or ignores are in `held` instead, never here.
   */
  changes: SettingChange[]
  /** Settings the profile would change that this backend caps or ignores, with why. */
  held: HeldSetting[]
  /** ISO 8601. */
  appliedAt: string
  /**
   * Who asked for it: this instance's name for `applyProfile()`, another instance's when it came
   * from there over Redis, `stored` when picked up from Redis at start.
   */
  origin: string
}

/** What `stop()` did. */
export interface StopResult {
  /** Every component closed before the timeout. */
  clean: boolean
  /** Components that failed to close or ran past the timeout, with why. */
  problems: { component: ComponentName; reason: string }[]
}

/** Events of an optimizer, with their listener arguments. */
export interface OptimizerEvents {
  /** Metrics assembled on every sample (the monitor's interval, or once a second without it). */
  sample: [metrics: OptimizerMetrics]
  /** A profile was applied. */
  profile: [change: ProfileChange]
  /** A background failure (a health check that threw, a component's error event). */
  error: [error: Error]
}

/** A resource a {@link Forecast} watches. */
export type ForecastResource = 'heap' | 'disk' | 'tasks.backlog' | 'db.pool'

/** Where a resource is heading, from the trend of its history. */
export type ForecastOutlook = 'exhausts' | 'stable' | 'recovering' | 'unknown'

/**
 * When a resource runs out at the current rate, from a robust trend over the metrics history.
 * `unknown` until there is enough history to tell.
 */
export interface Forecast {
  resource: ForecastResource
  /** What runs out, e.g. `heap`, `disk /var`, `task backlog`, `database pool`. */
  subject: string
  /**
   * `exhausts`: heading to the limit; `stable` / `recovering`: not (a backlog that drains is
   * `recovering`); `unknown`: too little data.
   */
  outlook: ForecastOutlook
  /** Milliseconds until the limit at the current rate; `null` unless `outlook` is `exhausts`. */
  etaMs: number | null
  /** How far the trend can be trusted, 0..1 (fit quality, data span and point count). */
  confidence: number
  /** The latest value, in `unit`. */
  current: number
  /** The value at which the resource is exhausted; `null` when it has none (a backlog). */
  limit: number | null
  unit: 'bytes' | 'tasks' | 'connections'
  /** The trend, in `unit` per minute (negative when falling). */
  ratePerMinute: number
  /** In words, e.g. `disk /var full in about 3 h 10 min at the current rate`. */
  summary: string
}
