import { once } from 'node:events'
import type * as Core from '@bi-perf/core'
import type {
  BiPerfConfig,
  Optimizer,
  OptimizerMetrics,
  RecommendationPriority,
} from '@bi-perf/core'
import { UnknownProfileError } from './errors.js'
import { loadLocalConfig, type LocalSettings } from './local-config.js'
import { readConfig } from './local-read-config.js'
import type { Source } from './source.js'

/** A {@link Source} running an optimizer in this process. */
export interface LocalSource extends Source {
  readonly mode: 'local'
  readonly optimizer: Optimizer
  readonly config: BiPerfConfig
}

/** What a local source runs and when it is ready. */
export interface LocalSourceOptions {
  /**
   * `read`: only what status, metrics, recommendations and the monitor look at (see
   * {@link readConfig}), with each package loaded on demand; `all`: every configured component,
   * as a service runs them (optimize, clear-cache, benchmark).
   * @default 'all'
   */
  scope?: 'read' | 'all'
  /**
   * Resolve only after the monitor's first sample (CPU shares need two readings), so figures
   * are real; gives up quietly after `sampleTimeoutMs`.
   * @default false
   */
  waitForSample?: boolean
  /**
   * How often the monitor samples with scope `read`: one interval is the wait for the first
   * sample, so a one-off answer uses a short one.
   * @default 200
   */
  sampleIntervalMs?: number
  /** @default 5000 */
  sampleTimeoutMs?: number
}

type Core = typeof Core

/** The monitor's snapshot, as the optimizer's metrics carry it. */
type MonitorSnapshot = NonNullable<OptimizerMetrics['system']>

/** Core, imported on first use so `--help` and remote commands never load it. */
export async function loadCore(): Promise<Core> {
  return import('@bi-perf/core')
}

/** A one-off answer: long enough for a meaningful CPU share, short enough to feel instant. */
const ONE_OFF_SAMPLE_MS = 200

/**
 * How far a sample may reach back into start-up and still count: the monitor's first reading
 * ends a few milliseconds before `start()` resolves when nothing was connected, and skipping
 * that sample would add a whole interval to every answer.
 */
const START_UP_SLACK_MS = 50

/**
 * Whether a monitor sample measured only time after start-up ended at `readyAt` (epoch ms). One
 * that overlaps start-up would report the CLI's own module loading and connecting (ioredis,
 * BullMQ and pg load synchronously) as event-loop delay and CPU of the machine.
 */
function sampledAfter(snapshot: MonitorSnapshot, readyAt: number): boolean {
  return snapshot.timestamp - snapshot.elapsedMs >= readyAt - START_UP_SLACK_MS
}

/**
 * Resolves at the monitor's next sample taken after start-up (see {@link sampledAfter}); `false`
 * at once when no monitor runs, or when `signal` aborts.
 */
async function nextSample(
  optimizer: Optimizer,
  readyAt: number,
  signal: AbortSignal,
): Promise<boolean> {
  const monitor = optimizer.monitor
  if (!monitor?.running || signal.aborted) return false
  // The monitor's timers are unref'd (sampling never keeps a process alive on its own): without
  // a ref'd handle here, Node would find nothing to wait for and exit mid-command.
  const keepAlive = setInterval(() => {}, 60_000)
  try {
    for (;;) {
      const [snapshot] = (await once(monitor, 'sample', { signal })) as [MonitorSnapshot]
      if (sampledAfter(snapshot, readyAt)) return true
    }
  } catch {
    return false
  } finally {
    clearInterval(keepAlive)
  }
}

/**
 * The `createOptimizer` a scope needs: the light entry for `read`, which loads each component's
 * package (PGlite, BullMQ, ioredis behind them) only when the configuration enables it.
 */
async function loadCreateOptimizer(scope: 'read' | 'all'): Promise<Core['createOptimizer']> {
  if (scope === 'all') return (await loadCore()).createOptimizer
  return (await import('@bi-perf/core/create-optimizer')).createOptimizer
}

/**
 * Starts an optimizer from the configuration and, when asked, waits for its first sample so
 * status and metrics carry real figures.
 *
 * @example
 * const source = await openLocalSource(
 *   { env: process.env, cwd: process.cwd() },
 *   { scope: 'read', waitForSample: true },
 * )
 * try { console.log(await source.status()) } finally { await source.close() }
 */
export async function openLocalSource(
  settings: LocalSettings,
  {
    scope = 'all',
    waitForSample = false,
    sampleIntervalMs = ONE_OFF_SAMPLE_MS,
    sampleTimeoutMs = 5000,
  }: LocalSourceOptions = {},
): Promise<LocalSource> {
  // Loading the optimizer's modules while the configuration loads overlaps their file reads.
  const creating = loadCreateOptimizer(scope)
  creating.catch(() => undefined) // awaited below; a configuration error must not leave it unhandled
  const config = await loadLocalConfig(settings)
  const createOptimizer = await creating
  const optimizer = await createOptimizer(
    scope === 'read' ? readConfig(config, { sampleIntervalMs }) : config,
  )
  // Errors of a component in the background (Redis down…) show in status; keep them off stderr.
  optimizer.on('error', () => {})
  if (!optimizer.status().running) await optimizer.start()
  const readyAt = Date.now()
  if (waitForSample) await nextSample(optimizer, readyAt, AbortSignal.timeout(sampleTimeoutMs))
  let closing: Promise<void> | undefined
  const file = settings.configFile ?? (settings.env.BI_PERF_CONFIG || undefined)
  const label = file === undefined ? 'local' : `local (${file})`

  return {
    mode: 'local',
    label,
    optimizer,
    config,
    status() {
      return Promise.resolve({ ...optimizer.status(), instance: optimizer.instance, version: null })
    },
    metrics() {
      const metrics = optimizer.metrics()
      // Until a sample after start-up exists, system figures are absent ("—"), never the CLI's own.
      const clean = metrics.system === undefined || sampledAfter(metrics.system, readyAt)
      return Promise.resolve(clean ? metrics : { ...metrics, system: undefined })
    },
    async optimize(profile) {
      const core = await loadCore()
      if (!(core.profileNames as readonly string[]).includes(profile)) {
        throw new UnknownProfileError(profile, core.profileNames)
      }
      try {
        return await optimizer.applyProfile(profile)
      } catch (error) {
        if (error instanceof core.UnknownProfileError) {
          throw new UnknownProfileError(profile, error.validProfiles)
        }
        throw error
      }
    },
    clearCache(options) {
      return optimizer.clearCache(options)
    },
    recommendations(priority?: RecommendationPriority) {
      return Promise.resolve({
        recommendations: optimizer.recommendations(priority ? { priority } : {}),
        forecasts: optimizer.forecasts(),
      })
    },
    nextSample(signal) {
      return nextSample(optimizer, readyAt, signal)
    },
    close() {
      closing ??= optimizer.stop({ timeout: 5000 }).then(() => {})
      return closing
    },
  }
}
