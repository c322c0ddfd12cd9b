import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import type { LoadProbe, TaskQueueOptions } from './types.js'
import type { Cluster, Redis } from 'ioredis'

/** Defaults of {@link TaskQueueOptions}, in one place. */
export const DEFAULTS = {
  prefix: 'bi-perf',
  concurrency: { min: 1, max: 10 },
  attempts: 3,
  backoffType: 'exponential',
  backoffDelay: '1s',
  backoffMaxDelay: '5m',
  backoffJitter: 1,
  timeout: '5m',
  keepCompleted: 1000,
  lockDuration: '30s',
  stalledInterval: '30s',
  autoscaleInterval: '1s',
  autoscaleCooldown: '5s',
  backlogPerSlot: 2,
  maxWait: '2s',
  maxCpu: 0.9,
  maxEventLoopDelay: '100ms',
  closeTimeout: '30s',
  commandTimeout: '500ms',
  breakerThreshold: 3,
  halfOpenAfter: '1s',
} as const

/** Backoff settings after parsing. */
export interface ResolvedBackoff {
  type: 'exponential' | 'fixed'
  delay: number
  maxDelay: number
  jitter: number
}

/** The autoscaler's policy after parsing. */
export interface ResolvedAutoscale {
  interval: number
  cooldown: number
  backlogPerSlot: number
  maxWait: number
  probe: LoadProbe | undefined
  maxCpu: number
  maxEventLoopDelay: number
}

/** {@link TaskQueueOptions} validated, with every default applied. */
export interface ResolvedOptions {
  name: string
  redis: string | Redis | Cluster | undefined
  prefix: string
  worker: boolean
  taskNames: ReadonlySet<string> | undefined
  concurrency: { min: number; max: number }
  autoscale: ResolvedAutoscale
  attempts: number
  backoff: ResolvedBackoff
  timeout: number
  rateLimit: { max: number; per: number } | undefined
  keepCompleted: number
  lockDuration: number
  stalledInterval: number
  commandTimeout: number
  breaker: { threshold: number; halfOpenAfter: number }
}

const NAME_PATTERN = /^[\w.-]{1,100}$/
const HASH_TAG = /\{[^{}]+\}/

/** Validates options once, at creation, and fills in the defaults. */
export function resolveOptions(options: TaskQueueOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least a name')
  }
  const { name } = options
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new InvalidOptionError(
      'name',
      name,
      'must be 1 to 100 letters, digits, "-", "_" or "." characters',
    )
  }
  const prefix = options.prefix ?? DEFAULTS.prefix
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 128) {
    throw new InvalidOptionError('prefix', prefix, 'must be a string of 1 to 128 characters')
  }
  checkRedis(options.redis, prefix)

  const concurrency = resolveConcurrency(options.concurrency ?? DEFAULTS.concurrency)
  const backoff = options.retry?.backoff ?? {}
  const type = backoff.type ?? DEFAULTS.backoffType
  if (type !== 'exponential' && type !== 'fixed') {
    throw new InvalidOptionError('retry.backoff.type', type, "must be 'exponential' or 'fixed'")
  }
  const delay = parseDuration('retry.backoff.delay', backoff.delay ?? DEFAULTS.backoffDelay, {
    allowZero: true,
  })
  const maxDelay = parseDuration(
    'retry.backoff.maxDelay',
    backoff.maxDelay ?? DEFAULTS.backoffMaxDelay,
    { allowZero: true },
  )
  if (maxDelay < delay) {
    throw new InvalidOptionError(
      'retry.backoff.maxDelay',
      backoff.maxDelay,
      `must not be below retry.backoff.delay (${delay} ms)`,
    )
  }
  const auto = options.autoscale ?? {}
  if (auto.probe !== undefined && typeof auto.probe?.sample !== 'function') {
    throw new InvalidOptionError('autoscale.probe', auto.probe, 'must have a sample() method')
  }
  let rateLimit: ResolvedOptions['rateLimit']
  if (options.rateLimit !== undefined) {
    rateLimit = {
      max: integer('rateLimit.max', options.rateLimit.max, 1),
      per: parseDuration('rateLimit.per', options.rateLimit.per),
    }
  }
  if (options.taskNames !== undefined && !Array.isArray(options.taskNames)) {
    throw new InvalidOptionError('taskNames', options.taskNames, 'must be an array of task names')
  }
  return {
    name,
    redis: options.redis,
    prefix,
    worker: options.worker ?? true,
    taskNames: options.taskNames ? new Set(options.taskNames) : undefined,
    concurrency,
    autoscale: {
      interval: parseDuration('autoscale.interval', auto.interval ?? DEFAULTS.autoscaleInterval),
      cooldown: parseDuration('autoscale.cooldown', auto.cooldown ?? DEFAULTS.autoscaleCooldown, {
        allowZero: true,
      }),
      backlogPerSlot: positive(
        'autoscale.backlogPerSlot',
        auto.backlogPerSlot ?? DEFAULTS.backlogPerSlot,
      ),
      maxWait: parseDuration('autoscale.maxWait', auto.maxWait ?? DEFAULTS.maxWait),
      probe: auto.probe,
      maxCpu: positive('autoscale.maxCpu', auto.maxCpu ?? DEFAULTS.maxCpu),
      maxEventLoopDelay: parseDuration(
        'autoscale.maxEventLoopDelay',
        auto.maxEventLoopDelay ?? DEFAULTS.maxEventLoopDelay,
      ),
    },
    attempts: integer('retry.attempts', options.retry?.attempts ?? DEFAULTS.attempts, 1),
    backoff: {
      type,
      delay,
      maxDelay,
      jitter: fraction('retry.backoff.jitter', backoff.jitter ?? DEFAULTS.backoffJitter),
    },
    timeout: parseDuration('timeout', options.timeout ?? DEFAULTS.timeout),
    rateLimit,
    keepCompleted: integer('keepCompleted', options.keepCompleted ?? DEFAULTS.keepCompleted, 0),
    lockDuration: parseDuration('lockDuration', options.lockDuration ?? DEFAULTS.lockDuration),
    stalledInterval: parseDuration(
      'stalledInterval',
      options.stalledInterval ?? DEFAULTS.stalledInterval,
    ),
    commandTimeout: parseDuration(
      'commandTimeout',
      options.commandTimeout ?? DEFAULTS.commandTimeout,
    ),
    breaker: {
      threshold: integer(
        'breaker.threshold',
        options.breaker?.threshold ?? DEFAULTS.breakerThreshold,
        1,
      ),
      halfOpenAfter: parseDuration(
        'breaker.halfOpenAfter',
        options.breaker?.halfOpenAfter ?? DEFAULTS.halfOpenAfter,
      ),
    },
  }
}

function checkRedis(redis: TaskQueueOptions['redis'], prefix: string) {
  if (redis === undefined) return
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) {
      throw new InvalidOptionError('redis', redis, 'a URL must start with redis:// or rediss://')
    }
    return
  }
  if (typeof redis !== 'object' || redis === null || !('status' in redis)) {
    throw new InvalidOptionError('redis', redis, 'expected a URL, an ioredis Redis or Cluster')
  }
  const isCluster = (redis as { isCluster?: boolean }).isCluster === true
  const keyPrefix = isCluster
    ? (redis as Cluster).options.redisOptions?.keyPrefix
    : (redis as Redis).options.keyPrefix
  if (keyPrefix) {
    // BullMQ's Lua scripts build key names themselves; an ioredis keyPrefix would be applied to
    // some keys and not others, and BullMQ would only notice later, on first use.
    throw new InvalidOptionError(
      'redis',
      keyPrefix,
      'the ioredis client has a keyPrefix, which breaks BullMQ; remove it and set the `prefix` option instead',
    )
  }
  if (isCluster && !HASH_TAG.test(prefix)) {
    throw new InvalidOptionError(
      'prefix',
      prefix,
      `on a Redis Cluster it must contain a {hash-tag} so every key of the queue shares a slot, e.g. '{${prefix}}'`,
    )
  }
}

/**
 * Validates `concurrency` (a positive integer, or `{ min, max }` of positive integers with
 * `min <= max`) into a range, or throws an `InvalidOptionError` naming the field.
 */
export function resolveConcurrency(value: number | { min: number; max: number }) {
  if (typeof value === 'number') {
    const fixed = integer('concurrency', value, 1)
    return { min: fixed, max: fixed }
  }
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('concurrency', value, 'expected a number or { min, max }')
  }
  const min = integer('concurrency.min', value.min, 1)
  const max = integer('concurrency.max', value.max, 1)
  if (max < min) {
    throw new InvalidOptionError(
      'concurrency.max',
      max,
      `must not be below concurrency.min (${min})`,
    )
  }
  return { min, max }
}

function integer(option: string, value: number, least: number): number {
  if (!Number.isSafeInteger(value) || value < least) {
    throw new InvalidOptionError(option, value, `must be an integer of at least ${least}`)
  }
  return value
}

function positive(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'must be a positive finite number')
  }
  return value
}

function fraction(option: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidOptionError(option, value, 'must be a number from 0 to 1')
  }
  return value
}
