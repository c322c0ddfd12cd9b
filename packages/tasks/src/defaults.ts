import { deepFreeze } from '@bi-perf/internal'

/**
 * The default of every {@link TaskQueueOptions} field, under the same names and nesting, in one
 * place: `createTaskQueue` applies them, and `@bi-perf/core` builds its config schema, profiles and
 * example config from them. Frozen: read them, never change them. (`name` has no default; `redis`,
 * `taskNames`, `rateLimit` and `autoscale.probe` default to absent.)
 *
 * @example
 * import { DEFAULTS } from '@bi-perf/tasks'
 * DEFAULTS.retry.backoff.maxDelay // '5m'
 */
export const DEFAULTS = deepFreeze({
  prefix: 'bi-perf',
  worker: true,
  concurrency: { min: 1, max: 10 },
  autoscale: {
    interval: '1s',
    cooldown: '5s',
    backlogPerSlot: 2,
    maxWait: '2s',
    maxCpu: 0.9,
    maxEventLoopDelay: '100ms',
  },
  retry: {
    attempts: 3,
    backoff: {
      type: 'exponential',
      delay: '1s',
      maxDelay: '5m',
      jitter: 1,
    },
  },
  timeout: '5m',
  keepCompleted: 1000,
  lockDuration: '30s',
  stalledInterval: '30s',
  commandTimeout: '500ms',
  breaker: {
    threshold: 3,
    halfOpenAfter: '1s',
  },
} as const)

/** The type of {@link DEFAULTS}. */
export type TaskQueueDefaults = typeof DEFAULTS
