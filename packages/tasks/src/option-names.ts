import type {
  AutoscaleOptions,
  BackoffOptions,
  RetryOptions,
  TaskQueueOptions,
  TaskQueueReconfiguration,
} from './types.js'

/**
 * Every key of `T`, typed as a record so the compiler fails here when an option is added to the
 * interface and not to the list (an unlisted option would be rejected as unknown).
 */
function keysOf<T>(keys: Record<keyof T, true>): readonly string[] {
  return Object.keys(keys)
}

/** The names `createTaskQueue` accepts, per level of {@link TaskQueueOptions}. */
export const OPTION_NAMES = {
  root: keysOf<TaskQueueOptions>({
    name: true,
    redis: true,
    prefix: true,
    worker: true,
    taskNames: true,
    concurrency: true,
    autoscale: true,
    retry: true,
    timeout: true,
    rateLimit: true,
    keepCompleted: true,
    lockDuration: true,
    stalledInterval: true,
    commandTimeout: true,
    breaker: true,
  }),
  concurrency: ['min', 'max'],
  autoscale: keysOf<AutoscaleOptions>({
    interval: true,
    cooldown: true,
    backlogPerSlot: true,
    maxWait: true,
    probe: true,
    maxCpu: true,
    maxEventLoopDelay: true,
  }),
  retry: keysOf<RetryOptions>({ attempts: true, backoff: true }),
  backoff: keysOf<BackoffOptions>({ type: true, delay: true, maxDelay: true, jitter: true }),
  rateLimit: keysOf<NonNullable<TaskQueueOptions['rateLimit']>>({ max: true, per: true }),
  breaker: keysOf<NonNullable<TaskQueueOptions['breaker']>>({
    threshold: true,
    halfOpenAfter: true,
  }),
} as const

/** The names `configure()` accepts: {@link TaskQueueReconfiguration}. */
export const RECONFIGURABLE_NAMES = keysOf<TaskQueueReconfiguration>({ concurrency: true })
