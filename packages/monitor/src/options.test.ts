import { describe, expect, it } from 'vitest'
import { InvalidDurationError, InvalidOptionError } from './errors.js'
import { DEFAULTS, DEFAULT_THRESHOLDS } from './defaults.js'
import { resolveOptions } from './options.js'

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const options = resolveOptions()
    expect(options.intervalMs).toBe(1000)
    expect(options.capacity).toBe(600)
    expect(options.filesystemIntervalMs).toBe(10_000)
    expect(options.eventLoopResolutionMs).toBe(50)
    expect(options.source).toBe('auto')
    expect(options.filesystems).toBeUndefined()
    expect(options.rules.map((rule) => rule.name).sort()).toEqual(
      Object.keys(DEFAULT_THRESHOLDS).sort(),
    )
  })

  it('sizes the rings from history and interval', () => {
    expect(resolveOptions({ interval: '100ms', history: '5m' }).capacity).toBe(3000)
    expect(resolveOptions({ interval: '1s', history: '1500ms' }).capacity).toBe(2)
  })

  it('never reads filesystems more often than it samples', () => {
    expect(
      resolveOptions({ interval: '30s', filesystemInterval: '10s' }).filesystemIntervalMs,
    ).toBe(30_000)
  })

  it('resolves the default CPU rule as the issue states it: > 85 % for 30 s, clears below 75 %', () => {
    const rule = resolveOptions().rules.find((candidate) => candidate.name === 'cpu-high')!
    expect(rule).toMatchObject({
      metric: 'cpu.total',
      direction: 'above',
      threshold: 85,
      clearAt: 75,
      forMs: 30_000,
      clearForMs: 0,
      severity: 'warning',
    })
  })

  it('lets a rule replace a default, false turn one off, and new names add rules', () => {
    const { rules } = resolveOptions({
      thresholds: {
        'cpu-high': { metric: 'cpu.total', above: 70, clearAt: 60 },
        'memory-high': false,
        'heap-low': { metric: 'memory.available', below: 1e9, severity: 'critical' },
      },
    })
    const names = rules.map((rule) => rule.name)
    expect(names).not.toContain('memory-high')
    expect(rules.find((rule) => rule.name === 'cpu-high')!.threshold).toBe(70)
    expect(rules.find((rule) => rule.name === 'heap-low')).toMatchObject({
      direction: 'below',
      threshold: 1e9,
      clearAt: 1e9,
      severity: 'critical',
    })
  })

  it('starts from no rules with defaultThresholds: false', () => {
    expect(resolveOptions({ defaultThresholds: false }).rules).toEqual([])
  })

  it.each([
    [{ interval: 5 }, 'interval', /at least 10 ms/],
    [{ history: '1000d', interval: 10 }, 'history', /at most 1000000 samples/],
    [{ eventLoopResolution: 5000 }, 'eventLoopResolution', /from 1 ms to 1 s/],
    [{ source: 'wmi' }, 'source', /auto, proc, systeminformation/],
    [{ filesystems: ['relative/path'] }, 'filesystems', /absolute mount points/],
    [{ thresholds: [] }, 'thresholds', /object of rules by name/],
    [
      { thresholds: { x: { metric: 'cpu.totl', above: 1 } } },
      'thresholds.x.metric',
      /name a metric/,
    ],
    [
      { thresholds: { x: { metric: 'cpu.total' } } },
      'thresholds.x',
      /exactly one of above and below/,
    ],
    [
      { thresholds: { x: { metric: 'cpu.total', above: 1, below: 2 } } },
      'thresholds.x',
      /exactly one/,
    ],
    [{ thresholds: { x: { metric: 'cpu.total', above: '90' } } }, 'thresholds.x.above', /finite/],
    [
      { thresholds: { x: { metric: 'cpu.total', above: 80, clearAt: 90 } } },
      'thresholds.x.clearAt',
      /not be greater than above/,
    ],
    [
      { thresholds: { x: { metric: 'memory.available', below: 80, clearAt: 70 } } },
      'thresholds.x.clearAt',
      /not be less than below/,
    ],
    [
      { thresholds: { x: { metric: 'cpu.total', above: 80, severity: 'page' } } },
      'thresholds.x.severity',
      /warning, critical/,
    ],
    [{ intervall: '1s' }, 'intervall', /unknown option; did you mean "interval"\?/],
    [{ colour: 'red' }, 'colour', /unknown option; valid: interval, history/],
    [
      { thresholds: { x: { metric: 'cpu.total', above: 80, clearat: 70 } } },
      'thresholds.x.clearat',
      /unknown option; did you mean "thresholds\.x\.clearAt"\?/,
    ],
  ])('rejects %j with a typed error naming %s', (options, field, rule) => {
    let error: unknown
    try {
      resolveOptions(options as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as InvalidOptionError).field).toBe(field)
    // Deprecated name of the same field, kept until 0.3.0.
    expect((error as InvalidOptionError).option).toBe(field)
    expect((error as InvalidOptionError).code).toBe('E_MONITOR_INVALID_OPTION')
    expect((error as Error).message).toMatch(rule)
  })

  it('rejects a bad duration in a rule with the path of the field', () => {
    expect(() =>
      resolveOptions({ thresholds: { x: { metric: 'cpu.total', above: 1, for: '1 week' } } }),
    ).toThrow(InvalidDurationError)
    expect(() =>
      resolveOptions({ thresholds: { x: { metric: 'cpu.total', above: 1, for: '1 week' } } }),
    ).toThrow(/thresholds\.x\.for/)
  })

  it('accepts wildcard metrics that can match a family', () => {
    const { rules } = resolveOptions({
      defaultThresholds: false,
      thresholds: { cores: { metric: 'cpu.core.*', above: 99 } },
    })
    expect(rules[0]!.metric).toBe('cpu.core.*')
    expect(() => resolveOptions({ thresholds: { nope: { metric: 'gpu.*', above: 1 } } })).toThrow(
      /thresholds\.nope\.metric/,
    )
  })

  it('resolves to DEFAULTS when nothing is set, and DEFAULTS cannot be changed', () => {
    const options = resolveOptions()
    expect(options.source).toBe(DEFAULTS.source)
    expect(options.eventLoopResolutionMs).toBe(DEFAULTS.eventLoopResolution)
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.thresholds)).toBe(true)
  })
})
