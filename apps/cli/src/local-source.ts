import { once } from 'node:events'
import type * as Core from '@bi-perf/core'
import type { BiPerfConfig, Optimizer, RecommendationPriority } from '@bi-perf/core'
import { ConfigurationError, UnknownProfileError } from './errors.js'
import type { Source } from './source.js'

/** Where local mode finds its configuration. */
export interface LocalSettings {
  /** A configuration file (`--config`); otherwise core's loader looks at `BI_PERF_CONFIG` and the cwd. */
  configFile?: string | undefined
  env: Record<string, string | undefined>
  cwd: string
}

/** A {@link Source} running an optimizer in this process. */
export interface LocalSource extends Source {
  readonly mode: 'local'
  readonly optimizer: Optimizer
  readonly config: BiPerfConfig
}

type Core = typeof Core

/** Core, imported on first use so `--help` and remote commands never load it. */
export async function loadCore(): Promise<Core> {
  return import('@bi-perf/core')
}

function oneLine(text: string): string {
  const [head = '', ...rest] = text
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '')
  return rest.length === 0 ? head : `${head} ${rest.join('; ')}`
}

/**
 * The configuration, as core's loader reads it; its errors become one-line CLI errors (exit 2).
 *
 * @example
 * const config = await loadLocalConfig({ env: process.env, cwd: process.cwd() })
 */
export async function loadLocalConfig(settings: LocalSettings): Promise<BiPerfConfig> {
  const core = await loadCore()
  try {
    return await core.loadConfig({
      ...(settings.configFile === undefined ? {} : { file: settings.configFile }),
      env: settings.env,
      cwd: settings.cwd,
    })
  } catch (error) {
    if (error instanceof core.ConfigError || error instanceof core.ConfigFileError) {
      throw new ConfigurationError(oneLine(error.message), { cause: error })
    }
    throw error
  }
}

/**
 * Waits until the optimizer's metrics carry the monitor's figures: the monitor's first snapshot
 * comes one interval after start (CPU shares need two readings). Gives up quietly at the deadline.
 */
async function untilSampled(optimizer: Optimizer, timeoutMs: number): Promise<void> {
  if (!optimizer.config.monitor.enabled) return
  const signal = AbortSignal.timeout(timeoutMs)
  while (optimizer.metrics().system === undefined && !signal.aborted) {
    await once(optimizer, 'sample', { signal }).catch(() => {})
  }
}

/**
 * Starts an optimizer from the configuration and, when asked, waits for its first sample
 * (about a second) so status and metrics carry real figures.
 *
 * @example
 * const source = await openLocalSource({ env: process.env, cwd: process.cwd() }, { waitForSample: true })
 * try { console.log(await source.status()) } finally { await source.close() }
 */
export async function openLocalSource(
  settings: LocalSettings,
  { waitForSample = false, sampleTimeoutMs = 5000 } = {},
): Promise<LocalSource> {
  const core = await loadCore()
  const config = await loadLocalConfig(settings)
  const optimizer = await core.createOptimizer(config)
  // Errors of a component in the background (Redis down…) show in status; keep them off stderr.
  optimizer.on('error', () => {})
  if (!optimizer.status().running) await optimizer.start()
  if (waitForSample) await untilSampled(optimizer, sampleTimeoutMs)
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
      return Promise.resolve(optimizer.metrics())
    },
    async optimize(profile) {
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
      return Promise.resolve(optimizer.recommendations(priority ? { priority } : {}))
    },
    close() {
      closing ??= optimizer.stop({ timeout: 5000 }).then(() => {})
      return closing
    },
  }
}
