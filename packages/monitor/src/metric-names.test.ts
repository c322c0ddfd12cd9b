import { describe, expect, it } from 'vitest'
import { canMatchMetric, isMetricName, metricMatcher } from './metric-names.js'

describe('metric names', () => {
  it('knows fixed names and the per-core and per-filesystem families', () => {
    expect(isMetricName('cpu.total')).toBe(true)
    expect(isMetricName('eventLoop.delay.p99')).toBe(true)
    expect(isMetricName('cpu.core.12')).toBe(true)
    expect(isMetricName('fs./var/lib/postgresql.usedPercent')).toBe(true)
    expect(isMetricName('cpu.core.x')).toBe(false)
    expect(isMetricName('fs./.inodes')).toBe(false)
    expect(isMetricName('cpu')).toBe(false)
  })

  it('matches * against any run of characters, mount points with dots included', () => {
    const matches = metricMatcher('fs.*.usedPercent')
    expect(matches('fs./.usedPercent')).toBe(true)
    expect(matches('fs./mnt/data.v2.usedPercent')).toBe(true)
    expect(matches('fs./.used')).toBe(false)
    expect(metricMatcher('cpu.total')('cpu.totalx')).toBe(false)
  })

  it('accepts patterns only when they can match something the monitor records', () => {
    expect(canMatchMetric('process.heap.*')).toBe(true)
    expect(canMatchMetric('fs.*.available')).toBe(true)
    expect(canMatchMetric('net.*')).toBe(false)
  })
})
