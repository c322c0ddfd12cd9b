import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import type { MemoryManagerOptions, MemorySettings } from './types.js'

/** Defaults of {@link MemoryManagerOptions}, in one place. */
export const DEFAULTS = {
  softLimit: 0.7,
  hardLimit: 0.85,
  minGcInterval: '30s',
  checkInterval: '1s',
  hysteresis: 0.05,
  rearmInterval: '1m',
  hookTimeout: '5s',
  leakDetection: true,
  leakSamples: 5,
  leakMinGrowth: 1024 * 1024,
} as const

/** Shortest and longest check period: the issue promises a check at least once a second. */
const CHECK_INTERVAL_MS = { min: 10, max: 1_000 }

const KNOWN = new Set<string>([
  'softLimit',
  'hardLimit',
  'minGcInterval',
  'checkInterval',
  'hysteresis',
  'rearmInterval',
  'hookTimeout',
  'heapLimit',
  'leakDetection',
  'leakSamples',
  'leakMinGrowth',
])

/**
 * Validates options as a whole and fills in the defaults. Unknown fields are rejected, so a typo
 * in a profile does not silently keep a default.
 */
export function resolveOptions(options: MemoryManagerOptions = {}): MemorySettings {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new InvalidOptionError(
        key,
        undefined,
        `unknown option; known: ${[...KNOWN].join(', ')}`,
      )
    }
  }
  const softLimit = ratio('softLimit', options.softLimit ?? DEFAULTS.softLimit)
  const hardLimit = ratio('hardLimit', options.hardLimit ?? DEFAULTS.hardLimit)
  if (!(softLimit < hardLimit)) {
    throw new InvalidOptionError(
      'softLimit',
      softLimit,
      `must be below hardLimit (${hardLimit}): 0 < softLimit < hardLimit < 1`,
    )
  }
  const hysteresis = options.hysteresis ?? DEFAULTS.hysteresis
  if (typeof hysteresis !== 'number' || !(hysteresis >= 0 && hysteresis < softLimit)) {
    throw new InvalidOptionError(
      'hysteresis',
      hysteresis,
      `must be a ratio from 0 up to but excluding softLimit (${softLimit})`,
    )
  }
  const checkInterval = parseDuration(
    'checkInterval',
    options.checkInterval ?? DEFAULTS.checkInterval,
  )
  if (checkInterval < CHECK_INTERVAL_MS.min || checkInterval > CHECK_INTERVAL_MS.max) {
    throw new InvalidOptionError(
      'checkInterval',
      options.checkInterval,
      `must be from ${CHECK_INTERVAL_MS.min} ms to 1s (pressure is checked at least once a second)`,
    )
  }
  const heapLimit = options.heapLimit ?? null
  if (heapLimit !== null && (!Number.isSafeInteger(heapLimit) || heapLimit <= 0)) {
    throw new InvalidOptionError('heapLimit', heapLimit, 'must be a positive integer of bytes')
  }
  const leakDetection = options.leakDetection ?? DEFAULTS.leakDetection
  if (typeof leakDetection !== 'boolean') {
    throw new InvalidOptionError('leakDetection', leakDetection, 'must be true or false')
  }
  const leakSamples = options.leakSamples ?? DEFAULTS.leakSamples
  if (!Number.isSafeInteger(leakSamples) || leakSamples < 3 || leakSamples > 1_000) {
    throw new InvalidOptionError('leakSamples', leakSamples, 'must be an integer from 3 to 1000')
  }
  const leakMinGrowth = options.leakMinGrowth ?? DEFAULTS.leakMinGrowth
  if (!Number.isSafeInteger(leakMinGrowth) || leakMinGrowth < 0) {
    throw new InvalidOptionError(
      'leakMinGrowth',
      leakMinGrowth,
      'must be a non-negative integer of bytes',
    )
  }
  return {
    softLimit,
    hardLimit,
    hysteresis,
    minGcInterval: parseDuration('minGcInterval', options.minGcInterval ?? DEFAULTS.minGcInterval),
    checkInterval,
    rearmInterval: parseDuration('rearmInterval', options.rearmInterval ?? DEFAULTS.rearmInterval),
    hookTimeout: parseDuration('hookTimeout', options.hookTimeout ?? DEFAULTS.hookTimeout),
    heapLimit,
    leakDetection,
    leakSamples,
    leakMinGrowth,
  }
}

function ratio(option: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InvalidOptionError(
      option,
      value,
      'must be a ratio of the heap limit above 0 and below 1',
    )
  }
  return value
}
