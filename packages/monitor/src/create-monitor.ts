import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { Registry } from 'prom-client'
import { AlertEngine } from './alert-engine.js'
import { parseDuration, type Duration } from './duration.js'
import { InvalidSampleError, UnknownMetricError } from './errors.js'
import { MetricHistory } from './metric-history.js'
import { isMetricName, visitMetrics } from './metric-names.js'
import { resolveOptions, type ResolvedOptions } from './options.js'
import { ProcSampler } from './proc-sampler.js'
import { ProcessSampler } from './process-sampler.js'
import { registerPrometheus } from './prometheus.js'
import { round2 } from './proc-parsers.js'
import { SystemInformationSampler } from './si-sampler.js'
import { messageOf, type SystemSample, type SystemSampler } from './system-sampler.js'
import { readSystemInfo } from './system-info.js'
import type {
  AlertEvent,
  CollectorError,
  FilesystemStats,
  MetricPoint,
  MetricSummary,
  Monitor,
  MonitorEvents,
  MonitorOptions,
  MonitorSnapshot,
  SystemInfo,
  Unregister,
} from './types.js'

/** Everything one `start()` created; `stop()` ends it as a whole. */
interface Session {
  system: SystemSampler
  process: ProcessSampler
  timer: NodeJS.Timeout
  /** The collection (or the priming read) in flight. */
  inFlight: Promise<void> | undefined
  /** The first reading, which only sets baselines, is not done yet. */
  priming: boolean
  /** A filesystem read in flight, which may outlive one collection. */
  filesystemsInFlight: Promise<void> | undefined
  filesystemsDueAt: number
  filesystems: FilesystemStats | null
  /** Filesystem failures waiting for the next snapshot. */
  filesystemErrors: CollectorError[]
  previousAt: number
  samples: number
  skipped: number
  errors: number
}

class ResourceMonitor extends EventEmitter<MonitorEvents> implements Monitor {
  readonly #options: ResolvedOptions
  readonly #history: MetricHistory
  readonly #alerts: AlertEngine
  #session: Session | undefined
  #stopping: Promise<void> | undefined
  #latest: MonitorSnapshot | undefined
  #info: Promise<SystemInfo> | undefined

  constructor(options: ResolvedOptions) {
    super()
    this.#options = options
    this.#history = new MetricHistory(options.capacity)
    this.#alerts = new AlertEngine(options.rules)
  }

  get running(): boolean {
    return this.#session !== undefined
  }

  start(): this {
    if (this.#session) return this
    const { source, filesystems, intervalMs, eventLoopResolutionMs } = this.#options
    const useProc =
      source === 'proc' ||
      (source === 'auto' && (process.platform === 'linux' || process.platform === 'android'))
    const processSampler = new ProcessSampler(eventLoopResolutionMs)
    processSampler.start()
    const session: Session = {
      system: useProc ? new ProcSampler(filesystems) : new SystemInformationSampler(filesystems),
      process: processSampler,
      timer: setInterval(() => this.#tick(session), intervalMs),
      inFlight: undefined,
      priming: true,
      filesystemsInFlight: undefined,
      filesystemsDueAt: performance.now() + this.#options.filesystemIntervalMs,
      filesystems: null,
      filesystemErrors: [],
      previousAt: performance.now(),
      samples: 0,
      skipped: 0,
      errors: 0,
    }
    // Sampling must never keep a process alive on its own.
    session.timer.unref()
    this.#session = session
    // The first reading only sets the baselines of rates and shares.
    session.inFlight = this.#prime(session)
    return this
  }

  stop(): Promise<void> {
    const session = this.#session
    if (!session) return this.#stopping ?? Promise.resolve()
    this.#session = undefined
    clearInterval(session.timer)
    session.process.stop()
    const stopping = (async () => {
      await session.inFlight
      // statfs cannot be cancelled; a hung network mount must not hang stop() too.
      if (session.filesystemsInFlight) await withDeadline(session.filesystemsInFlight, 1_000)
      await session.system.close()
    })()
    this.#stopping = stopping
    return stopping.finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined
    })
  }

  latest(): MonitorSnapshot | undefined {
    return this.#latest
  }

  history(metric: string, window?: Duration): MetricPoint[] {
    const windowMs = this.#windowMs(window)
    if (!this.#history.has(metric)) {
      if (typeof metric === 'string' && isMetricName(metric)) return []
      throw new UnknownMetricError(metric, this.#history.names())
    }
    return this.#history.points(metric, windowMs)
  }

  summary(window?: Duration): Record<string, MetricSummary> {
    return this.#history.summary(this.#windowMs(window))
  }

  metrics(): string[] {
    return this.#history.names()
  }

  alerts(): AlertEvent[] {
    return this.#alerts.active()
  }

  ingest(snapshot: MonitorSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) {
      throw new InvalidSampleError('expected a snapshot object')
    }
    if (typeof snapshot.timestamp !== 'number' || !Number.isFinite(snapshot.timestamp)) {
      throw new InvalidSampleError('timestamp must be a finite number of milliseconds')
    }
    if (snapshot.timestamp < this.#history.newest) {
      throw new InvalidSampleError(
        `timestamp ${snapshot.timestamp} is older than the newest sample (${this.#history.newest})`,
      )
    }
    this.#publish(snapshot)
  }

  info(): Promise<SystemInfo> {
    this.#info ??= readSystemInfo().catch((error: unknown) => {
      // Let a later call try again rather than caching the failure.
      this.#info = undefined
      throw error
    })
    return this.#info
  }

  registerPrometheus(registry: Registry): Unregister {
    return registerPrometheus(
      registry,
      () => this.#latest,
      () => this.#alerts.active(),
    )
  }

  #windowMs(window: Duration | undefined): number {
    return window === undefined ? Number.POSITIVE_INFINITY : parseDuration('window', window)
  }

  async #prime(session: Session): Promise<void> {
    // Failures of the baseline reading show up again, and are reported, in the first sample.
    await Promise.all([
      systemSample(session.system, []),
      this.#filesystems(session, session.filesystemErrors),
    ])
    session.previousAt = performance.now()
    session.priming = false
    session.inFlight = undefined
  }

  #tick(session: Session): void {
    if (session.inFlight) {
      if (!session.priming) session.skipped++
      return
    }
    session.inFlight = this.#collect(session).then((snapshot) => {
      session.inFlight = undefined
      // A collection that finishes after stop() belongs to no one.
      if (this.#session !== session) return
      try {
        this.#publish(snapshot)
      } catch (error) {
        // A listener threw. As with any EventEmitter listener called from a timer, the error
        // becomes an uncaught exception; the monitor's own state is already consistent.
        process.nextTick(() => {
          throw error
        })
      }
    })
  }

  async #collect(session: Session): Promise<MonitorSnapshot> {
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const timestamp = Date.now()
    const errors: CollectorError[] = []
    if (started >= session.filesystemsDueAt && !session.filesystemsInFlight) {
      session.filesystemsDueAt = started + this.#options.filesystemIntervalMs
      session.filesystemsInFlight = this.#filesystems(session, session.filesystemErrors)
    }
    const [system] = await Promise.all([
      systemSample(session.system, errors),
      // Wait a little for sizes so the snapshot carries fresh ones, but never for a hung mount.
      session.filesystemsInFlight && withDeadline(session.filesystemsInFlight, 250),
    ])
    const processStats = session.process.sample(errors)
    errors.push(...session.filesystemErrors.splice(0))
    const finished = performance.now()
    const elapsedMs = finished - session.previousAt
    session.previousAt = finished
    session.samples++
    session.errors += errors.length
    const cpu = process.cpuUsage(cpuBefore)
    return {
      timestamp,
      elapsedMs: round2(elapsedMs),
      source: session.system.kind,
      cpu: system.cpu,
      load: system.load,
      memory: system.memory,
      filesystems: session.filesystems,
      disk: system.disk,
      network: system.network,
      process: processStats.process,
      eventLoop: processStats.eventLoop,
      monitor: {
        cpuPercent: elapsedMs > 0 ? round2((cpu.user + cpu.system) / elapsedMs / 10) : 0,
        collectMs: round2(finished - started),
        samples: session.samples,
        skipped: session.skipped,
        errors: session.errors,
      },
      errors,
    }
  }

  /** Reads filesystem sizes into the session; failures are kept for the next snapshot. */
  #filesystems(session: Session, errors: CollectorError[]): Promise<void> {
    return session.system
      .filesystems(errors)
      .then(
        (entries) => {
          session.filesystems = entries && { sampledAt: Date.now(), entries }
        },
        (error: unknown) => {
          session.filesystems = null
          errors.push({ collector: 'filesystems', message: messageOf(error) })
        },
      )
      .finally(() => {
        session.filesystemsInFlight = undefined
      })
  }

  #publish(snapshot: MonitorSnapshot): void {
    const { timestamp } = snapshot
    const fired: AlertEvent[] = []
    this.#history.newest = timestamp
    visitMetrics(snapshot, (name, value) => {
      if (!Number.isFinite(value)) return
      this.#history.record(name, timestamp, value)
      this.#alerts.observe(name, value, timestamp, fired)
    })
    this.#latest = snapshot
    this.emit('sample', snapshot)
    for (const alert of fired) {
      this.emit(alert.state === 'firing' ? 'alert' : 'alert-cleared', alert)
    }
  }
}

/** A system sample that never rejects: an unexpected failure nulls every section. */
async function systemSample(
  system: SystemSampler,
  errors: CollectorError[],
): Promise<SystemSample> {
  try {
    return await system.sample(errors)
  } catch (error) {
    const message = messageOf(error)
    for (const collector of ['cpu', 'load', 'memory', 'disk', 'network'] as const) {
      errors.push({ collector, message })
    }
    return { cpu: null, load: null, memory: null, disk: null, network: null }
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref()
    void promise.finally(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Creates a resource monitor: system figures (CPU, load, memory, disks, network), this process
 * (memory, CPU, event-loop delay and utilization, active resources), a history ring per metric,
 * summaries with trends, alerts with hysteresis and Prometheus export. Nothing runs until
 * `start()`; the timer is unref'd and `stop()` ends all work.
 *
 * @example
 * import { createMonitor } from '@bi-perf/monitor'
 *
 * const monitor = createMonitor({ interval: '1s', history: '10m' }).start()
 * monitor.on('alert', (alert) => console.warn(`${alert.rule}: ${alert.metric} = ${alert.value}`))
 * // later, e.g. in a /health route:
 * const snapshot = monitor.latest()
 * const cpu = monitor.summary('5m')['cpu.total'] // { min, avg, max, p95, last, trendPerMinute }
 * await monitor.stop()
 */
export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new ResourceMonitor(resolveOptions(options))
}
