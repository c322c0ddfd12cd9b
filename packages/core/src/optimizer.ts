import { EventEmitter } from 'node:events'
import { hostname } from 'node:os'
import type { Cache, Duration } from '@bi-perf/cache'
import type { Database, HealthReport } from '@bi-perf/db'
import type { MemoryManager, MemoryStats } from '@bi-perf/memory'
import type { Monitor } from '@bi-perf/monitor'
import type { TaskQueue, TaskQueueStatus } from '@bi-perf/tasks'
import type { Cluster, Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import type { Components } from './build-components.js'
import {
  cacheStatus,
  databaseStatus,
  memoryStatus,
  monitorStatus,
  tasksStatus,
  worstState,
} from './component-status.js'
import type { BiPerfConfig } from './config/schema.js'
import { ComponentDisabledError, InvalidArgumentError, OptimizerStateError } from './errors.js'
import { read } from './option-reader.js'
import { createMetricsHistory } from './metrics-history/metrics-history.js'
import type { MetricsHistory } from './metrics-history/metrics-history.js'
import { toProfileName } from './profiles.js'
import { trimCacheOnPressure } from './trim-on-pressure.js'
import { registerOptimizerGauges } from './prometheus.js'
import { leakVerdict } from './leak-verdict.js'
import { recommend } from './recommend/recommend.js'
import { forecastResources } from './forecast/forecast.js'
import { InstanceRegistry } from './instance-registry.js'
import { ProfileSync } from './profile-sync.js'
import { profileEffect, tuningFor } from './tuning.js'
import { withTimeout } from './with-timeout.js'
import type {
  ComponentName,
  ComponentStatus,
  Forecast,
  OptimizerEvents,
  OptimizerMetrics,
  OptimizerStatus,
  ProfileChange,
  ProfileName,
  Recommendation,
  RecommendationPriority,
  StopResult,
  TuningValues,
} from './types.js'

const SAMPLE_INTERVAL_MS = 1_000
const HEALTH_INTERVAL_MS = 10_000
const HEALTH_TIMEOUT_MS = 2_000
const TASK_STATUS_TIMEOUT_MS = 2_000
/** A leak suspicion keeps the memory component degraded for this long after the event. */
const LEAK_MEMORY_MS = 10 * 60_000
/** Instances beat every 5 s and count as gone after 15 s without a beat. */
const HEARTBEAT_INTERVAL_MS = 5_000
const HEARTBEAT_TTL_MS = 15_000
const PRIORITY_RANK: Record<RecommendationPriority, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
}

/** A point of a history series, for charts. */
export interface HistoryPoint {
  /** Epoch milliseconds. */
  at: number
  value: number
}

/**
 * Composes the enabled subsystems, samples them once a second, switches profiles live and
 * recommends changes. Create it with {@link createOptimizer}.
 */
export class Optimizer extends EventEmitter<OptimizerEvents> {
  /** The validated configuration it was built from. */
  readonly config: BiPerfConfig
  /**
   * Identifies this optimizer among the instances sharing a Redis: `host:pid`, with `/2`, `/3`…
   * for further optimizers in the same process.
   */
  readonly instance = instanceName()
  readonly #components: Components
  readonly #history: MetricsHistory
  readonly #historyRetentionMs: number
  /** Samples recorded so far, and the count the cached forecasts were computed at. */
  #samples = 0
  #forecastsAt = -1
  #forecasts: Forecast[] | undefined
  #profile: ProfileName
  #tuning: TuningValues
  #startedAt: number | undefined
  #stopping: Promise<StopResult> | undefined
  #sampleTimer: NodeJS.Timeout | undefined
  #healthTimer: NodeJS.Timeout | undefined
  #sampling = false
  #taskStatus: TaskQueueStatus | undefined
  #taskStatusError: Error | undefined
  #health: HealthReport | undefined
  #breakerOpenSince: number | undefined
  #leakSuspectedAt: number | undefined
  #bulkLoad: { running: number; lastEndedAt: number | null } | undefined
  #unsubscribe: (() => void)[] = []
  #registry: InstanceRegistry | undefined
  #memorySample: MemoryStats | undefined
  #profileSync: ProfileSync | undefined

  /** @internal use {@link createOptimizer} */
  constructor(config: BiPerfConfig, components: Components, tuning: TuningValues) {
    super()
    this.config = config
    this.#components = components
    this.#profile = config.profile
    this.#tuning = tuning
    this.#historyRetentionMs = Math.max(config.recommendations.window * 3, 15 * 60_000)
    this.#history = createMetricsHistory({ retention: this.#historyRetentionMs })
  }

  /** The in-process + Redis cache, `undefined` when disabled. */
  get cache(): Cache | undefined {
    return this.#components.cache
  }

  /** The database (Kysely at `db.kysely`), `undefined` when disabled. PGlite without a URL. */
  // The optimizer does not know the user's table types; cast `db.kysely` to yours.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get db(): Database<any> | undefined {
    return this.#components.db
  }

  /** The task queue (BullMQ with Redis, in-process without), `undefined` when disabled. */
  get tasks(): TaskQueue | undefined {
    return this.#components.tasks
  }

  get memory(): MemoryManager | undefined {
    return this.#components.memory
  }

  get monitor(): Monitor | undefined {
    return this.#components.monitor
  }

  /** The optimizer's own Redis client, for features of the apps (rate limits); `undefined` without Redis. */
  get redis(): Redis | Cluster | undefined {
    return this.#components.redis
  }

  /** The active profile. */
  get profile(): ProfileName {
    return this.#profile
  }

  /** Whether `start()` ran and `stop()` did not. */
  get running(): boolean {
    return this.#startedAt !== undefined && this.#stopping === undefined
  }

  /**
   * Starts the monitor, connects Redis, runs a first health check and a first sample, then keeps
   * sampling once a second. Idempotent.
   */
  async start(): Promise<void> {
    if (this.#stopping) throw new OptimizerStateError('The optimizer is stopped; create a new one')
    if (this.#startedAt !== undefined) return
    this.#startedAt = Date.now()
    const { monitor, memory, redis, tasks, cache } = this.#components
    monitor?.start()
    if (memory && cache?.settings().l1.enabled) {
      this.#unsubscribe.push(trimCacheOnPressure(memory, cache))
    }
    if (memory) {
      this.#unsubscribe.push(
        memory.on('leak-suspected', () => {
          this.#leakSuspectedAt = Date.now()
        }),
      )
      // Start-up growth (caches filling, a seed) is not a leak: no rising run may begin before
      // the warm-up ends, so no suspicion carries growth from it.
      const resume = memory.pauseLeakDetection()
      const warmup = setTimeout(resume, this.config.recommendations.leakWarmup)
      warmup.unref()
      this.#unsubscribe.push(() => {
        clearTimeout(warmup)
        resume()
      })
    }
    if (tasks) {
      const onError = (error: Error) => this.#reportError(error)
      tasks.on('error', onError)
      this.#unsubscribe.push(() => tasks.off('error', onError))
    }
    if (redis) {
      // ioredis re-emits every failed reconnect; one report per outage is enough.
      let reported = false
      const onError = (error: Error) => {
        if (!reported) this.#reportError(error)
        reported = true
      }
      const onReady = () => {
        reported = false
      }
      redis.on('error', onError).on('ready', onReady)
      this.#unsubscribe.push(() => redis.off('error', onError).off('ready', onReady))
    }
    if (redis && redis.status === 'wait') {
      // A Redis that is down must not stop the start (the cache falls back to its in-process
      // tier and ioredis keeps reconnecting): wait at most connectTimeout for it.
      const connected = redis.connect().catch((error: unknown) => this.#reportError(error))
      await withTimeout(connected, this.config.redis.connectTimeout, 'redis connect').catch(
        () => undefined,
      )
    }
    // The cache's own start-up (its connection and invalidation subscription), bounded by the
    // same connectTimeout: once start() resolves, the cache uses Redis or has fallen back.
    await this.#components.cache?.ready()
    if (redis) await this.#joinInstances(redis)
    // PGlite compiles its WebAssembly on first use: warm it up so the first health check
    // measures a round trip, not the boot.
    await this.#components.db?.health({ timeout: HEALTH_TIMEOUT_MS * 5 }).catch(() => undefined)
    await Promise.all([this.#checkHealth(), this.#sample()])
    this.#sampleTimer = setInterval(() => void this.#sample(), this.#sampleIntervalMs())
    this.#sampleTimer.unref()
    this.#healthTimer = setInterval(() => void this.#checkHealth(), HEALTH_INTERVAL_MS)
    this.#healthTimer.unref()
  }

  /**
   * Stops sampling and closes every subsystem in reverse order of their dependencies (tasks,
   * database, cache, memory, monitor, Redis), each within what is left of `timeout`.
   * Idempotent: later calls return the first call's result.
   */
  stop(options: { timeout?: Duration } = {}): Promise<StopResult> {
    this.#stopping ??= this.#stop(options.timeout ?? '10s')
    return this.#stopping
  }

  async #stop(timeout: Duration): Promise<StopResult> {
    const deadline = Date.now() + read.duration('options.timeout', timeout)
    clearInterval(this.#sampleTimer)
    clearInterval(this.#healthTimer)
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe()
    const { tasks, db, cache, memory, monitor, redis } = this.#components
    const steps: [ComponentName, (() => Promise<unknown>) | undefined][] = [
      ['tasks', tasks && (() => tasks.close({ timeout: Math.max(1, deadline - Date.now()) }))],
      ['db', db && (() => db.close())],
      ['cache', cache && (() => cache.close())],
      ['memory', memory && (() => Promise.resolve(memory.close()))],
      ['monitor', monitor && (() => monitor.stop())],
    ]
    const problems: StopResult['problems'] = []
    for (const [component, close] of steps) {
      if (!close) continue
      const reason = await withDeadline(close(), deadline)
      if (reason) problems.push({ component, reason })
    }
    this.#profileSync?.stop()
    await this.#registry?.stop()
    if (redis) redis.disconnect()
    return { clean: problems.length === 0, problems }
  }

  /**
   * Overall and per component health from the latest samples, with the reason for anything not
   * ok. Synchronous and cheap: it never calls a service.
   */
  status(): OptimizerStatus {
    const { cache, db, tasks, memory, monitor } = this.#components
    const components: Partial<Record<ComponentName, ComponentStatus>> = {}
    if (cache) components.cache = cacheStatus(cache.stats(), this.#breakerOpenSince)
    if (db) components.db = databaseStatus(this.#health)
    if (tasks) {
      components.tasks = tasksStatus(this.#taskStatus, this.#taskStatusError, tasks.availability())
    }
    if (memory) {
      // From the last sample: a fresh stats() reads process.memoryUsage(), which costs
      // microseconds per call — too much for a status endpoint answering thousands a second.
      const stats = this.#memorySample ?? memory.stats()
      const recent =
        this.#leakSuspectedAt !== undefined && Date.now() - this.#leakSuspectedAt < LEAK_MEMORY_MS
      // The same verdict as the memory.leak-suspected rule: warm-up, bulk loads, heap limit.
      const leak = recent
        ? leakVerdict(stats, {
            hardLimit: this.#tuning.memory.hardLimit,
            uptimeMs: this.#uptimeMs(),
            warmupMs: this.config.recommendations.leakWarmup,
            now: Date.now(),
          })
        : undefined
      components.memory = memoryStatus(stats, leak)
    }
    if (monitor)
      components.monitor = monitorStatus(monitor.latest(), monitor.alerts(), monitor.running)
    return {
      state: worstState(Object.values(components).map((component) => component.state)),
      components,
      profile: this.#profile,
      instance: this.instance,
      instances: this.#registry?.alive() ?? [this.instance],
      running: this.running,
      startedAt: this.#startedAt === undefined ? null : new Date(this.#startedAt).toISOString(),
      uptimeMs: this.#uptimeMs(),
      forecasts: this.forecasts(),
    }
  }

  /**
   * When the heap, each disk, the task backlog and the database pool run out at the current
   * rate, from the trend of the metrics history; `unknown` until there is enough of it.
   */
  forecasts(): Forecast[] {
    // Status is read thousands of times a second; the trend only changes with a new sample.
    if (this.#forecastsAt !== this.#samples || !this.#forecasts) {
      this.#forecasts = forecastResources({
        metrics: this.metrics(),
        history: this.#history,
        windowMs: this.#historyRetentionMs,
      })
      this.#forecastsAt = this.#samples
    }
    return this.#forecasts
  }

  /** Every component's figures in one object; task figures are from the last sample. */
  metrics(): OptimizerMetrics {
    const { cache, db, tasks, memory, monitor } = this.#components
    const system = monitor?.latest()
    // The counts are from the last sample; whether Redis is reachable is read now.
    const taskStatus =
      this.#taskStatus && tasks
        ? { ...this.#taskStatus, availability: tasks.availability() }
        : this.#taskStatus
    return {
      at: Date.now(),
      profile: this.#profile,
      uptimeMs: this.#uptimeMs(),
      tuning: this.#tuning,
      ...(cache ? { cache: cache.stats() } : {}),
      ...(db ? { db: db.stats() } : {}),
      ...(taskStatus ? { tasks: taskStatus } : {}),
      ...(memory ? { memory: memory.stats() } : {}),
      ...(system ? { system } : {}),
      ...(this.#bulkLoad ? { bulkLoad: { ...this.#bulkLoad } } : {}),
    }
  }

  /**
   * Applies a profile to the running subsystems, without a restart, and returns what changed.
   * Settings pinned in the configuration keep their value.
   * @throws {UnknownProfileError} listing the valid profiles
   */
  applyProfile(name: string): Promise<ProfileChange> {
    // Every step is synchronous; the promise leaves room for subsystems that reconfigure
    // asynchronously, and turns a bad name into a rejection rather than a throw.
    let change: ProfileChange
    try {
      change = this.#applyProfile(name, this.instance)
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    const sync = this.#profileSync
    if (!sync) return Promise.resolve(change)
    // Stored and announced so every instance (and any that starts later) runs the same profile.
    return sync.publish(change.profile).then((error) => {
      if (error) this.#reportError(error)
      return change
    })
  }

  #applyProfile(name: string, origin: string): ProfileChange {
    const profile = toProfileName(name)
    if (this.#stopping) throw new OptimizerStateError('The optimizer is stopped; create a new one')
    const previous = this.#profile
    const target = tuningFor(profile, this.config)
    const { cache, db, tasks, memory } = this.#components
    cache?.configure({
      ttl: target.cache.ttlMs,
      l1: { maxEntries: target.cache.l1MaxEntries, maxBytes: target.cache.l1MaxBytes },
      compression: { threshold: target.cache.compressionThreshold },
    })
    db?.configure({ pool: { max: target.db.poolMax }, cacheTtl: target.db.cacheTtlMs })
    tasks?.configure({
      concurrency: { min: target.tasks.concurrencyMin, max: target.tasks.concurrencyMax },
    })
    memory?.configure({ softLimit: target.memory.softLimit, hardLimit: target.memory.hardLimit })
    const live = this.#readTuning(target)
    // Settings this backend caps or ignores (a PGlite pool is 1 whatever the profile says) are
    // reported as held, never as a change.
    const effect = profileEffect(this.#tuning, live, previous, profile, this.config)
    const change: ProfileChange = {
      profile,
      previous,
      changes: effect.changes,
      held: effect.held,
      appliedAt: new Date().toISOString(),
      origin,
    }
    this.#profile = profile
    this.#tuning = live
    this.emit('profile', change)
    return change
  }

  /**
   * Recommendations from the current metrics and their history over
   * `recommendations.window`, most urgent first.
   * @param options.priority only this priority and more urgent ones
   */
  recommendations(options: { priority?: RecommendationPriority } = {}): Recommendation[] {
    const list = recommend({
      metrics: this.metrics(),
      history: this.#history,
      windowMs: this.config.recommendations.window,
      leakWarmupMs: this.config.recommendations.leakWarmup,
      forecasts: this.forecasts(),
      forecastHorizonMs: this.config.recommendations.forecastHorizon,
    })
    const { priority } = options
    if (priority === undefined) return list
    if (!(priority in PRIORITY_RANK)) {
      throw new InvalidArgumentError(
        'options.priority',
        priority,
        'expected critical, high, medium or low',
      )
    }
    return list.filter((item) => PRIORITY_RANK[item.priority] <= PRIORITY_RANK[priority])
  }

  /**
   * Runs a seed or bulk load: the heap grows on purpose meanwhile, so leak detection is paused
   * until it settles (the run of rising post-GC samples starts afresh afterwards) and no leak is
   * suspected from it; load-driven recommendations (CPU, loop delay, pool waits) whose window
   * covers it stay at medium priority. Resolves or rejects as `work` does.
   *
   * @example
   * await perf.bulkLoad(() => seedDemoData(db))
   */
  async bulkLoad<T>(work: Promise<T> | (() => Promise<T> | T)): Promise<T> {
    const resume = this.#components.memory?.pauseLeakDetection()
    const bulkLoad = (this.#bulkLoad ??= { running: 0, lastEndedAt: null })
    bulkLoad.running++
    try {
      return await (typeof work === 'function' ? work() : work)
    } finally {
      bulkLoad.running--
      bulkLoad.lastEndedAt = Date.now()
      resume?.()
    }
  }

  /**
   * Clears the cache: keys matching `pattern` (a Redis glob), entries carrying any of `tags`, or
   * everything without either. Resolves with how many keys went.
   * @throws {ComponentDisabledError} without a cache
   */
  async clearCache(options: { pattern?: string; tags?: readonly string[] } = {}): Promise<number> {
    const cache = this.#components.cache
    if (!cache) throw new ComponentDisabledError('cache')
    const { pattern, tags } = options
    let removed = 0
    if (tags && tags.length > 0) removed += await cache.invalidateTags(tags)
    if (pattern !== undefined || !tags || tags.length === 0) removed += await cache.clear(pattern)
    return removed
  }

  /** Points of a history series (e.g. `cache.hitRate`, `system.cpu`) over the last `windowMs`. */
  history(series: string, windowMs: number): HistoryPoint[] {
    return this.#history.points(series, windowMs)
  }

  /** Names of the history series with data. */
  historySeries(): string[] {
    return this.#history.series()
  }

  /**
   * Adds every component's metrics to a prom-client registry: the monitor's system and process
   * gauges and `bi_perf_cache_*`, `bi_perf_db_*`, `bi_perf_tasks_*`, `bi_perf_memory_*`. Returns
   * a function that removes them again.
   */
  registerPrometheus(registry: Registry): () => void {
    const removers = [registerOptimizerGauges(registry, () => this.metrics())]
    const monitor = this.#components.monitor
    if (monitor) removers.push(monitor.registerPrometheus(registry))
    return () => {
      for (const remove of removers) remove()
    }
  }

  /**
   * Registers this instance's heartbeat and follows the profile the other instances run: the
   * stored one at start, announced ones as they come.
   */
  async #joinInstances(redis: Redis | Cluster): Promise<void> {
    const prefix = this.config.redis.prefix
    this.#registry = new InstanceRegistry(redis, `${prefix}:instances`, this.instance, {
      ttlMs: HEARTBEAT_TTL_MS,
      intervalMs: HEARTBEAT_INTERVAL_MS,
    })
    this.#profileSync = new ProfileSync(
      redis,
      `${prefix}:profile`,
      this.instance,
      (profile, from) => this.#followProfile(profile, from),
      this.config.redis.connectTimeout,
    )
    const [stored] = await Promise.all([this.#profileSync.start(), this.#registry.start()])
    if (stored !== undefined && stored !== this.#profile) this.#followProfile(stored, 'stored')
  }

  #followProfile(profile: string, origin: string): void {
    try {
      if (profile !== this.#profile) this.#applyProfile(profile, origin)
    } catch (error) {
      this.#reportError(error)
    }
  }

  #sampleIntervalMs(): number {
    return this.config.monitor.enabled ? this.config.monitor.interval : SAMPLE_INTERVAL_MS
  }

  #uptimeMs(): number {
    return this.#startedAt === undefined ? 0 : Date.now() - this.#startedAt
  }

  #readTuning(target: TuningValues): TuningValues {
    const { cache, db, tasks, memory } = this.#components
    const cacheSettings = cache?.settings()
    const dbSettings = db?.settings()
    const taskSettings = tasks?.settings()
    const memorySettings = memory?.stats().settings
    return {
      cache: cacheSettings
        ? {
            ttlMs: cacheSettings.ttlMs,
            l1MaxEntries: cacheSettings.l1.maxEntries,
            l1MaxBytes: cacheSettings.l1.maxBytes,
            compressionThreshold: cacheSettings.compression.threshold,
          }
        : target.cache,
      db: dbSettings
        ? { poolMax: dbSettings.pool.max, cacheTtlMs: dbSettings.cacheTtlMs }
        : target.db,
      tasks: taskSettings
        ? {
            concurrencyMin: taskSettings.concurrency.min,
            concurrencyMax: taskSettings.concurrency.max,
          }
        : target.tasks,
      memory: memorySettings
        ? { softLimit: memorySettings.softLimit, hardLimit: memorySettings.hardLimit }
        : target.memory,
    }
  }

  async #sample(): Promise<void> {
    // A slow status read (Redis timing out) must not pile samples up behind it.
    if (this.#sampling) return
    this.#sampling = true
    try {
      const tasks = this.#components.tasks
      if (tasks) {
        try {
          this.#taskStatus = await withTimeout(
            tasks.status(),
            TASK_STATUS_TIMEOUT_MS,
            'task status',
          )
          this.#taskStatusError = undefined
        } catch (error) {
          this.#taskStatusError = error as Error
        }
      }
      const metrics = this.metrics()
      this.#memorySample = metrics.memory
      const breaker = metrics.cache?.l2?.breaker
      if (breaker === undefined || breaker === 'closed') this.#breakerOpenSince = undefined
      else this.#breakerOpenSince ??= metrics.at
      this.#history.record(metrics)
      this.#samples++
      this.emit('sample', metrics)
    } catch (error) {
      this.#reportError(error)
    } finally {
      this.#sampling = false
    }
  }

  async #checkHealth(): Promise<void> {
    const db = this.#components.db
    if (!db) return
    try {
      this.#health = await db.health({ timeout: HEALTH_TIMEOUT_MS })
    } catch (error) {
      this.#reportError(error)
    }
  }

  #reportError(error: unknown): void {
    // 'error' without a listener would throw; background failures must never crash the host.
    if (this.listenerCount('error') > 0) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)))
    }
  }
}

let optimizersCreated = 0

function instanceName(): string {
  optimizersCreated++
  const base = `${hostname()}:${process.pid}`
  return optimizersCreated === 1 ? base : `${base}/${optimizersCreated}`
}

/** Resolves with `undefined` when `work` settles in time, else with why it did not. */
async function withDeadline(work: Promise<unknown>, deadline: number): Promise<string | undefined> {
  try {
    await withTimeout(work, Math.max(1, deadline - Date.now()), 'close')
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}
