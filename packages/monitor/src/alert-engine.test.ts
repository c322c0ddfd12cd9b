import { describe, expect, it } from 'vitest'
import { AlertEngine } from './alert-engine.js'
import { resolveRule } from './options.js'
import type { AlertEvent, AlertRuleOptions } from './types.js'

/** Feeds one value a second from `start` and returns what fired or cleared at each step. */
function run(rules: Record<string, AlertRuleOptions>, metric: string, values: number[]) {
  const engine = new AlertEngine(
    Object.entries(rules).map(([name, rule]) => resolveRule(name, rule)),
  )
  const steps: AlertEvent[][] = []
  values.forEach((value, second) => {
    const out: AlertEvent[] = []
    engine.observe(metric, value, second * 1000, out)
    steps.push(out)
  })
  return { engine, steps }
}

const CPU_HIGH: AlertRuleOptions = { metric: 'cpu.total', above: 85, for: '30s', clearAt: 75 }

describe('AlertEngine', () => {
  it('fires only after the threshold has been crossed for the whole duration', () => {
    const values = Array.from({ length: 40 }, () => 90)
    const { steps } = run({ 'cpu-high': CPU_HIGH }, 'cpu.total', values)
    const firedAt = steps.findIndex((events) => events.length > 0)
    expect(firedAt).toBe(30)
    expect(steps[30]![0]).toMatchObject({
      rule: 'cpu-high',
      metric: 'cpu.total',
      state: 'firing',
      severity: 'warning',
      value: 90,
      direction: 'above',
      threshold: 85,
      clearAt: 75,
      since: 0,
      firedAt: 30_000,
    })
    expect(steps.flat()).toHaveLength(1)
  })

  it('starts the duration again when one sample dips below the threshold', () => {
    const values = [...Array<number>(20).fill(90), 80, ...Array<number>(25).fill(90)]
    const { steps } = run({ 'cpu-high': CPU_HIGH }, 'cpu.total', values)
    expect(steps.flat()).toEqual([])
  })

  it('does not clear between clearAt and the threshold, and clears below clearAt', () => {
    const values = [...Array<number>(31).fill(90), 80, 78, 76, 88, 80, 74]
    const { steps, engine } = run({ 'cpu-high': CPU_HIGH }, 'cpu.total', values)
    const events = steps.flat()
    expect(events.map((event) => event.state)).toEqual(['firing', 'cleared'])
    expect(steps[36]![0]).toMatchObject({
      state: 'cleared',
      value: 74,
      since: 0,
      firedAt: 30_000,
      clearedAt: 36_000,
    })
    expect(engine.active()).toEqual([])
  })

  it('does not flap on a value oscillating around the threshold', () => {
    // 84 ↔ 87 around 85 for five minutes: fires once, never clears (never below 75).
    const values = Array.from({ length: 300 }, (_, second) => (second % 2 === 0 ? 87 : 84))
    const { steps } = run(
      { flappy: { metric: 'cpu.total', above: 85, clearAt: 75 } },
      'cpu.total',
      values,
    )
    expect(steps.flat().map((event) => event.state)).toEqual(['firing'])
  })

  it('waits clearFor before clearing', () => {
    const values = [90, 70, 70, 90, 70, 70, 70, 70]
    const { steps } = run(
      { slow: { metric: 'cpu.total', above: 85, clearAt: 75, clearFor: '3s' } },
      'cpu.total',
      values,
    )
    expect(steps.findIndex((events) => events[0]?.state === 'cleared')).toBe(7)
  })

  it('handles below rules with the hysteresis upwards', () => {
    const values = [500, 90, 90, 150, 250]
    const { steps } = run(
      { 'low-memory': { metric: 'memory.available', below: 100, clearAt: 200, for: '1s' } },
      'memory.available',
      values,
    )
    expect(steps[2]![0]).toMatchObject({ state: 'firing', direction: 'below', since: 1000 })
    expect(steps[3]).toEqual([])
    expect(steps[4]![0]).toMatchObject({ state: 'cleared', value: 250 })
  })

  it('keeps a separate state per metric for a wildcard rule', () => {
    const engine = new AlertEngine([
      resolveRule('disk', { metric: 'fs.*.usedPercent', above: 90, clearAt: 80 }),
    ])
    const out: AlertEvent[] = []
    engine.observe('fs./.usedPercent', 95, 0, out)
    engine.observe('fs./data.usedPercent', 50, 0, out)
    engine.observe('fs./.used', 1e12, 0, out)
    expect(out.map((event) => event.metric)).toEqual(['fs./.usedPercent'])
    expect(engine.active()).toEqual([
      expect.objectContaining({ rule: 'disk', metric: 'fs./.usedPercent', value: 95 }),
    ])
  })

  it('raises warning and critical rules on the same metric independently', () => {
    const values = [...Array<number>(31).fill(97)]
    const { steps } = run(
      {
        'cpu-high': CPU_HIGH,
        'cpu-critical': { ...CPU_HIGH, above: 95, clearAt: 85, severity: 'critical' },
      },
      'cpu.total',
      values,
    )
    expect(steps[30]!.map((event) => [event.rule, event.severity])).toEqual([
      ['cpu-high', 'warning'],
      ['cpu-critical', 'critical'],
    ])
  })
})
