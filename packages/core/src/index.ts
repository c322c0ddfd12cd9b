/**
 * @bi-perf/core: one configuration for the whole toolkit. It composes the cache, database, task,
 * memory and monitoring packages, switches optimization profiles live, recommends changes with
 * evidence, and wraps functions and HTTP fetches in the cache.
 *
 * @example
 * import { createOptimizer } from '@bi-perf/core'
 *
 * const perf = await createOptimizer() // bi-perf.yaml + environment
 * await perf.start()
 * console.log(perf.status(), perf.recommendations({ priority: 'high' }))
 * await perf.applyProfile('memory')
 * await perf.stop()
 */
export { createOptimizer } from './create-optimizer.js'
export { Optimizer } from './optimizer.js'
export type { HistoryPoint } from './optimizer.js'
export { PROFILES, profileNames } from './profiles.js'
export { onShutdownSignal } from './shutdown-signal.js'
export type { ShutdownSignalOptions } from './shutdown-signal.js'
export { configSchema } from './config/schema.js'
export type { BiPerfConfig, BiPerfConfigInput } from './config/schema.js'
export { loadConfig, resolveConfig } from './config/loader.js'
export { envVariableNames } from './config/env.js'
export { redactConfig, redactUrl } from './config/redact.js'
export { jwtKeyId } from './jwt-key-id.js'
export type { LoadConfigOptions } from './config/loader.js'
export { createMetricsHistory } from './metrics-history/metrics-history.js'
export { METRIC_SERIES } from './metrics-history/series.js'
export type { MetricsHistory, SeriesPoint, WindowStats } from './metrics-history/metrics-history.js'
export { defaultRules, recommend } from './recommend/recommend.js'
export { forecastResources } from './forecast/forecast.js'
export type { ForecastInput } from './forecast/forecast.js'
export { defineRule } from './recommend/rule.js'
export type { RecommendationRule, RuleContext } from './recommend/rule.js'
export { batch } from './batch.js'
export type { BatchChunkInfo, BatchOptions, BatchProgress } from './batch.js'
export { Cached, cached, cachedControls } from './cached.js'
export type { CachedControls, CachedFunction, CachedFunctionOptions } from './cached.js'
export { createCachedFetch } from './cached-fetch/cached-fetch.js'
export type {
  CachedFetch,
  CachedFetchInit,
  CachedFetchOptions,
  CachedFetchStats,
  CachedResponse,
} from './cached-fetch/types.js'
export { defaultCache, resetDefaultCache } from './default-cache.js'
export { stableKey } from './stable-hash.js'
export {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  SamplingBreaker,
  TaskCancelledError,
  circuitBreakerPolicy,
  handleAll,
  handleType,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  retryPolicy,
  timeoutPolicy,
  wrap,
} from './resilience.js'
export type {
  CircuitBreakerPolicy,
  CircuitBreakerPolicyOptions,
  IPolicy,
  Policy,
  RetryPolicy,
  RetryPolicyOptions,
  TimeoutPolicy,
} from './resilience.js'
export {
  BatchChunkError,
  ComponentDisabledError,
  ConfigError,
  ConfigFileError,
  CoreError,
  FetchFailedError,
  InvalidArgumentError,
  InvalidDurationError,
  InvalidOptionError,
  MissingPeerError,
  OptimizerStateError,
  UnknownProfileError,
  errors,
} from './errors.js'
export { hasErrorCode } from '@bi-perf/internal'
export type { ConfigIssue } from './errors.js'
export type * from './types.js'
