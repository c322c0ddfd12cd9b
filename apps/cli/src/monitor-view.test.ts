import { PassThrough } from 'node:stream'
import type { OptimizerMetrics } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { monitorSample, renderMonitorFrame, renderMonitorLine } from './monitor-view.js'
import { createStyle, stripAnsi } from './style.js'

function metrics(hits: number, misses: number): OptimizerMetrics {
  return {
    at: Date.parse('2026-11-28T23:40:00Z'),
    profile: 'balanced',
    uptimeMs: 1000,
    cache: {
      hits,
      misses,
      hitRate: hits / Math.max(1, hits + misses),
      l1: { enabled: true, entries: 1, bytes: 10 },
    },
  } as unknown as OptimizerMetrics
}

const plain = createStyle(new PassThrough(), { NO_COLOR: '1' })

describe('monitorSample', () => {
  it('computes the hit rate over the interval, not since start', () => {
    const first = monitorSample(metrics(900, 100), 'ok')
    expect(first.hitRate).toBeCloseTo(0.9)
    const second = monitorSample(metrics(910, 190), 'ok', {
      metrics: metrics(900, 100),
      sample: first,
    })
    expect(second.hitRate).toBeCloseTo(10 / 100)
  })

  it('keeps the last interval rate when nothing was looked up', () => {
    const first = monitorSample(metrics(10, 10), 'ok')
    const second = monitorSample(metrics(10, 10), 'ok', {
      metrics: metrics(10, 10),
      sample: { ...first, hitRate: 0.25 },
    })
    expect(second.hitRate).toBe(0.25)
  })

  it('leaves figures of disabled components null', () => {
    const sample = monitorSample(
      { at: 0, profile: 'memory', uptimeMs: 0 } as OptimizerMetrics,
      null,
    )
    expect(sample).toMatchObject({
      cpuPercent: null,
      hitRate: null,
      taskBacklog: null,
      heapUsedBytes: null,
    })
    expect(renderMonitorLine(sample)).toContain('hit n/a')
  })
})

describe('renderMonitorFrame', () => {
  it('draws one sparkline row per series, fitting the width', () => {
    const samples = [0.5, 0.9].map((rate) => ({
      ...monitorSample(metrics(1, 1), 'ok'),
      hitRate: rate,
      cpuPercent: rate * 100,
    }))
    const lines = renderMonitorFrame(
      { label: 'local', samples, metrics: null, error: null, intervalMs: 1000 },
      80,
      plain,
    ).map(stripAnsi)
    const cpu = lines.find((line) => line.startsWith('CPU'))!
    expect(cpu).toMatch(/▅▇ {2}90\.0 %$/)
    expect(lines.some((line) => line.startsWith('Task backlog'))).toBe(true)
    expect(lines.at(-1)).toContain('q quit')
  })

  it('shows the last polling error instead of the footer', () => {
    const lines = renderMonitorFrame(
      { label: 'x', samples: [], metrics: null, error: 'ECONNRESET', intervalMs: 1000 },
      80,
      plain,
    )
    expect(stripAnsi(lines.at(-1)!)).toBe('last update failed: ECONNRESET (retrying)')
  })
})
