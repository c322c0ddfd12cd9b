import { DEFAULTS } from './defaults.js'
import { InvalidOptionError } from './errors.js'
import { OPTION_NAMES } from './option-names.js'
import { read } from './option-reader.js'
import type { LoadProbe, TaskQueueOptions } from './types.js'
import type { Cluster, Redis } from 'ioredis'

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
  read.fields('', options, OPTION_NAMES.root)
  read.fields('autoscale', options.autoscale, OPTION_NAMES.autoscale)
  read.fields('retry', options.retry, OPTION_NAMES.retry)
  read.fields('retry.backoff', options.retry?.backoff, OPTION_NAMES.backoff)
  read.fields('rateLimit', options.rateLimit, OPTION_NAMES.rateLimit)
  read.fields('breaker', options.breaker, OPTION_NAMES.breaker)
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
  const retry = options.retry ?? {}
  const backoff = retry.backoff ?? {}
  const type = read.oneOf('retry.backoff.type', backoff.type ?? DEFAULTS.retry.backoff.type, [
    'exponential',
    'fixed',
  ])
  const delay = read.duration(
    'retry.backoff.delay',
    backoff.delay ?? DEFAULTS.retry.backoff.delay,
    {
      allowZero: true,
    },
  )
  const maxDelay = read.duration(
    'retry.backoff.maxDelay',
    backoff.maxDelay ?? DEFAULTS.retry.backoff.maxDelay,
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
      max: read.count('rateLimit.max', options.rateLimit.max),
      per: read.duration('rateLimit.per', options.rateLimit.per),
    }
  }
  if (options.taskNames !== undefined && !Array.isArray(options.taskNames)) {
    throw new InvalidOptionError('taskNames', options.taskNames, 'must be an array of task names')
  }
  const breaker = options.breaker ?? {}
  const autoDefaults = DEFAULTS.autoscale
  return {
    name,
    redis: options.redis,
    prefix,
    worker: options.worker ?? DEFAULTS.worker,
    taskNames: options.taskNames ? new Set(options.taskNames) : undefined,
    concurrency,
    autoscale: {
      interval: read.duration('autoscale.interval', auto.interval ?? autoDefaults.interval),
      cooldown: read.duration('autoscale.cooldown', auto.cooldown ?? autoDefaults.cooldown, {
        allowZero: true,
      }),
      backlogPerSlot: read.positive(
        'autoscale.backlogPerSlot',
        auto.backlogPerSlot ?? autoDefaults.backlogPerSlot,
      ),
      maxWait: read.duration('autoscale.maxWait', auto.maxWait ?? autoDefaults.maxWait),
      probe: auto.probe,
      maxCpu: read.positive('autoscale.maxCpu', auto.maxCpu ?? autoDefaults.maxCpu),
      maxEventLoopDelay: read.duration(
        'autoscale.maxEventLoopDelay',
        auto.maxEventLoopDelay ?? autoDefaults.maxEventLoopDelay,
      ),
    },
    attempts: read.count('retry.attempts', retry.attempts ?? DEFAULTS.retry.attempts),
    backoff: {
      type,
      delay,
      maxDelay,
      jitter: read.fraction(
        'retry.backoff.jitter',
        backoff.jitter ?? DEFAULTS.retry.backoff.jitter,
      ),
    },
    timeout: read.duration('timeout', options.timeout ?? DEFAULTS.timeout),
    rateLimit,
    keepCompleted: read.count('keepCompleted', options.keepCompleted ?? DEFAULTS.keepCompleted, {
      allowZero: true,
    }),
    lockDuration: read.duration('lockDuration', options.lockDuration ?? DEFAULTS.lockDuration),
    stalledInterval: read.duration(
      'stalledInterval',
      options.stalledInterval ?? DEFAULTS.stalledInterval,
    ),
    commandTimeout: read.duration(
      'commandTimeout',
      options.commandTimeout ?? DEFAULTS.commandTimeout,
    ),
    breaker: {
      threshold: read.count('breaker.threshold', breaker.threshold ?? DEFAULTS.breaker.threshold),
      halfOpenAfter: read.duration(
        'breaker.halfOpenAfter',
        breaker.halfOpenAfter ?? DEFAULTS.breaker.halfOpenAfter,
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
    const fixed = read.count('concurrency', value)
    return { min: fixed, max: fixed }
  }
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('concurrency', value, 'expected a number or { min, max }')
  }
  read.fields('concurrency', value, OPTION_NAMES.concurrency)
  const min = read.count('concurrency.min', value.min)
  const max = read.count('concurrency.max', value.max)
  if (max < min) {
    throw new InvalidOptionError(
      'concurrency.max',
      max,
      `must not be below concurrency.min (${min})`,
    )
  }
  return { min, max }
}
