import { describe, expect, it } from 'vitest'
import { DEFAULTS } from './defaults.js'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
import { hasErrorCode } from './index.js'
import { resolveOptions } from './options.js'

describe('options', () => {
  it('applies documented defaults', () => {
    expect(resolveOptions()).toEqual({
      softLimit: DEFAULTS.softLimit,
      hardLimit: DEFAULTS.hardLimit,
      hysteresis: 0.05,
      minGcInterval: 30_000,
      checkInterval: 1_000,
      rearmInterval: 60_000,
      hookTimeout: 5_000,
      heapLimit: null,
      leakDetection: true,
      leakSamples: 5,
      leakMinGrowth: 1024 * 1024,
    })
  })

  it('accepts durations as strings or milliseconds', () => {
    const resolved = resolveOptions({
      minGcInterval: '2m',
      checkInterval: 250,
      rearmInterval: '90s',
      hookTimeout: '500ms',
    })
    expect(resolved).toMatchObject({
      minGcInterval: 120_000,
      checkInterval: 250,
      rearmInterval: 90_000,
      hookTimeout: 500,
    })
  })

  it.each([
    [{ softLimit: 0 }, /softLimit.*above 0 and below 1/],
    [{ softLimit: Number.NaN }, /softLimit/],
    [{ hardLimit: 1 }, /hardLimit.*below 1/],
    [{ softLimit: 0.9, hardLimit: 0.8 }, /softLimit.*below hardLimit/],
    [{ softLimit: 0.8, hardLimit: 0.8 }, /softLimit.*below hardLimit/],
    [{ hysteresis: -0.1 }, /hysteresis/],
    [{ softLimit: 0.1, hardLimit: 0.2, hysteresis: 0.1 }, /hysteresis.*softLimit/],
    [{ checkInterval: '2s' }, /checkInterval.*at least once a second/],
    [{ checkInterval: 5 }, /checkInterval/],
    [{ minGcInterval: 0 }, /minGcInterval.*positive/],
    [{ rearmInterval: 'soon' }, /rearmInterval.*unit/],
    [{ hookTimeout: -1 }, /hookTimeout/],
    [{ heapLimit: 0 }, /heapLimit/],
    [{ heapLimit: 1.5 }, /heapLimit/],
    [{ leakDetection: 'yes' }, /leakDetection/],
    [{ leakSamples: 2 }, /leakSamples.*3 to 1000/],
    [{ leakMinGrowth: -1 }, /leakMinGrowth/],
    [{ softlimit: 0.5 }, /softlimit 0\.5: unknown option; did you mean "softLimit"\?/],
    [{ colour: 'red' }, /colour "red": unknown option; valid: softLimit, hardLimit/],
  ])('rejects %j with an InvalidOptionError naming the option', (options, rule) => {
    expect(() => resolveOptions(options as never)).toThrow(InvalidOptionError)
    expect(() => resolveOptions(options as never)).toThrow(rule)
  })

  it('names the option and carries a stable code', () => {
    try {
      resolveOptions({ hardLimit: 2 })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_MEMORY_INVALID_OPTION', field: 'hardLimit' })
      expect((error as InvalidOptionError).option).toBe('hardLimit')
    }
  })

  it('rejects a bad duration with an InvalidDurationError that still matches the old code', () => {
    let error: unknown
    try {
      resolveOptions({ hookTimeout: -1 })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidDurationError)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({ code: 'E_MEMORY_INVALID_DURATION', field: 'hookTimeout' })
    expect(hasErrorCode(error, 'E_MEMORY_INVALID_DURATION')).toBe(true)
    expect(hasErrorCode(error, 'E_MEMORY_INVALID_OPTION')).toBe(true)
  })

  it('states every default once, frozen, in DEFAULTS', () => {
    const settings = resolveOptions()
    expect(settings.leakSamples).toBe(DEFAULTS.leakSamples)
    expect(settings.leakDetection).toBe(DEFAULTS.leakDetection)
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
  })
})
