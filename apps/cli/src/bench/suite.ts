import type { BiPerfConfig, Optimizer } from '@bi-perf/core'
import type { ApiClient } from '../api-client.js'
import type { BenchResult, BenchSuite } from './report.js'
import type { Progress } from '../ui/progress-bar.js'

/** What a suite gets. */
export interface SuiteContext {
  config: BiPerfConfig
  /** The optimizer of this process (started); `undefined` when only the api suite runs. */
  optimizer: Optimizer | undefined
  /** Starts another optimizer from a configuration (core's `createOptimizer`, then `start()`). */
  startOptimizer(config: BiPerfConfig): Promise<Optimizer>
  /** The API, with `--url`. */
  api: ApiClient | undefined
  /** How long each measurement runs. */
  durationMs: number
  progress: Progress
  /** Unique per run: names of the keys, tables and queues the suite creates (and removes). */
  runId: string
}

/** A "before / after" pair the command prints side by side (e.g. dashboard cold vs cached). */
export interface BeforeAfter {
  title: string
  before: { label: string; result: BenchResult }
  after: { label: string; result: BenchResult }
}

/** What a suite measured, or why it could not run. */
export interface SuiteOutcome {
  results: BenchResult[]
  beforeAfter: BeforeAfter[]
  /** Set when the suite could not run at all. */
  skipped?: string
  /** Things worth telling (a part skipped, a rate limit hit). */
  notes: string[]
}

/** A suite: its steps (for the progress bar) and its run. */
export interface SuiteDefinition {
  suite: BenchSuite
  /** Labels of its progress steps; `run` calls `progress.step()` once per label. */
  steps: readonly string[]
  run(context: SuiteContext): Promise<SuiteOutcome>
}

/** A configuration running only the given components, for an optimizer a suite starts itself. */
export function onlyComponents(
  config: BiPerfConfig,
  keep: { cache?: boolean; database?: boolean; tasks?: boolean },
): BiPerfConfig {
  return {
    ...config,
    cache: { ...config.cache, enabled: keep.cache === true },
    database: { ...config.database, enabled: keep.database === true },
    tasks: { ...config.tasks, enabled: keep.tasks === true },
    memory: { ...config.memory, enabled: false },
    monitor: { ...config.monitor, enabled: false },
  }
}

/** Whether the configuration has Redis. */
export function hasRedis(config: BiPerfConfig): boolean {
  return config.redis.url !== undefined || (config.redis.clusterNodes?.length ?? 0) > 0
}

/** A skipped suite's outcome, advancing the progress bar past its steps. */
export function skipSuite(
  definition: SuiteDefinition,
  context: SuiteContext,
  reason: string,
): SuiteOutcome {
  for (const step of definition.steps)
    context.progress.step(`${definition.suite} ${step} (skipped)`)
  return { results: [], beforeAfter: [], skipped: reason, notes: [] }
}
