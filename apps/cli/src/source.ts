import type {
  Forecast,
  OptimizerMetrics,
  OptimizerStatus,
  ProfileChange,
  Recommendation,
  RecommendationPriority,
} from '@bi-perf/core'

/** What `status` reports: the optimizer's status plus, from an API, which instance answered. */
export type StatusReport = OptimizerStatus & {
  /** `hostname:pid` of the process running the optimizer (the API, or this one in local mode). */
  instance: string | null
  /** The API's version; `null` in local mode. */
  version: string | null
}

/** What `recommendations` reports: the advice, and the forecasts it may rest on. */
export interface Advice {
  recommendations: Recommendation[]
  /** Time-to-exhaustion forecasts; empty from an API that predates them. */
  forecasts: Forecast[]
}

/** Where the figures come from: a running API (remote) or an optimizer in this process (local). */
export interface Source {
  readonly mode: 'remote' | 'local'
  /** The API URL, or `local` with the configuration file. */
  readonly label: string
  status(): Promise<StatusReport>
  metrics(): Promise<OptimizerMetrics>
  optimize(profile: string): Promise<ProfileChange>
  /** Keys removed. */
  clearCache(options: { pattern?: string; tags?: string[] }): Promise<number>
  recommendations(priority?: RecommendationPriority): Promise<Advice>
  /**
   * Resolves when the source has a fresh sample (`true`), or `false` at once when it cannot
   * tell (no monitor running) or when `signal` aborts. Absent on a remote source, which is
   * polled on a timer.
   */
  nextSample?(signal: AbortSignal): Promise<boolean>
  /** Stops what the source started (the local optimizer); idempotent. */
  close(): Promise<void>
}
