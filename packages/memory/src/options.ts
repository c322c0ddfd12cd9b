import { DEFAULTS } from './defaults.js'
import { parseDuration } from './duration.js'
import { InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'
import type { MemoryManagerOptions, MemorySettings } from './types.js'

/** Shortest and longest check period: the issue promises a check at least once a second. */
const CHECK_INTERVAL_MS = { min: 10, max: 1_000 }

/** Every option name: the compiler keeps this list in step with {@link MemoryManagerOptions}. */
const OPTION_NAMES = Object.keys({
  softLimit: true,
  hardLimit: true,
  minGcInterval: true,
  checkInterval: true,
  hysteresis: true,
  rearmInterval: true,
  hookTimeout: true,
  heapLimit: true,
  leakDetection: true,
  leakSamples: true,
  leakMinGrowth: true,
} satisfies Record<keyof MemoryManagerOptions, true>)

/**
 * Validates options as a whole and fills in the defaults. Unknown fields are rejected, naming the
 * closest valid one, so a typo in a profile does not silently keep a default.
 */
export function resolveOptions(options: MemoryManagerOptions = {}): MemorySettings {
  read.fields('', options, OPTION_NAMES)
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
  if (heapLimit !== null) read.count('heapLimit', heapLimit)
  const leakDetection = read.oneOf(
    'leakDetection',
    options.leakDetection ?? DEFAULTS.leakDetection,
    [true, false],
  )
  const leakSamples = options.leakSamples ?? DEFAULTS.leakSamples
  if (!Number.isSafeInteger(leakSamples) || leakSamples < 3 || leakSamples > 1_000) {
    throw new InvalidOptionError('leakSamples', leakSamples, 'must be an integer from 3 to 1000')
  }
  const leakMinGrowth = options.leakMinGrowth ?? DEFAULTS.leakMinGrowth
  read.count('leakMinGrowth', leakMinGrowth, { allowZero: true })
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

/** A heap ratio: the open interval (0, 1), stricter than a fraction at both ends. */
function ratio(field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InvalidOptionError(
      field,
      value,
      'must be a ratio of the heap limit above 0 and below 1',
    )
  }
  return value
}
