import { PassThrough } from 'node:stream'
import type { OptimizerMetrics } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import {
  monitorSample,
  renderMonitorFrame,
  renderMonitorLine,
  type MonitorSample,
} from './monitor-view.js'
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

  it('has no hit rate before the first lookup, rather than 0 %', () => {
    const sample = monitorSample(metrics(0, 0), 'ok')
    expect(sample).toMatchObject({ hitRate: null, cacheLookups: 0 })
    expect(renderMonitorLine(sample)).toContain('hit none yet')
  })

  it('leaves figures of disabled components null', () => {
    const sample = monitorSample(
      { at: 0, profile: 'memory', uptimeMs: 0 } as OptimizerMetrics,
      null,
    )
    expect(sample).toMatchObject({
      cpuPercent: null,
      hitRate: null,
      cacheLookups: null,
      taskBacklog: null,
      heapUsedBytes: null,
    })
    expect(renderMonitorLine(sample)).toContain('hit n/a')
  })
})

describe('renderMonitorFrame', () => {
  const frameOf = (samples: MonitorSample[], columns = 100) =>
    renderMonitorFrame(
      { label: 'local', samples, metrics: null, error: null, intervalMs: 1000 },
      columns,
      plain,
    ).map(stripAnsi)
  const row = (lines: string[], label: string) => lines.find((line) => line.startsWith(label))!

  it('draws one sparkline row per series with its scale, fitting the width', () => {
    const samples = [0.5, 0.9].map((rate) => ({
      ...monitorSample(metrics(1, 1), 'ok'),
      hitRate: rate,
      cpuPercent: rate * 100,
    }))
    const lines = frameOf(samples, 80)
    expect(row(lines, 'CPU')).toMatch(/▅▇ {2}0 %–100 % +90\.0 %$/)
    expect(row(lines, 'Hit rate')).toMatch(/▅▇ {2}0 %–100 % +90\.0 %$/)
    expect(lines.some((line) => line.startsWith('Task backlog'))).toBe(true)
    expect(lines.at(-1)).toContain('q quit')
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
  })

  it('prints min and max beside a series that scales to its values', () => {
    const samples = [40, 42, 44].map((mib) => ({
      ...monitorSample(metrics(1, 1), 'ok'),
      heapUsedBytes: mib * 1024 * 1024,
    }))
    expect(row(frameOf(samples), 'Memory')).toMatch(/▁▅█ {2}40\.0 MiB–44\.0 MiB +44\.0 MiB heap/)
  })

  it('draws a flat memory line through the middle and says it is flat', () => {
    const samples = [1, 2, 3].map(() => ({
      ...monitorSample(metrics(1, 1), 'ok'),
      heapUsedBytes: 34 * 1024 * 1024,
    }))
    const memory = row(frameOf(samples), 'Memory')
    expect(memory).toMatch(/▄▄▄ {2}flat 34\.0 MiB +34\.0 MiB heap/)
    expect(memory).not.toMatch(/[█▁]/)
  })

  it('leaves the hit rate blank before the first lookup instead of drawing 0 %', () => {
    const samples = [monitorSample(metrics(0, 0), 'ok'), monitorSample(metrics(0, 0), 'ok')]
    const hit = row(frameOf(samples), 'Hit rate')
    expect(hit).not.toMatch(/[▁▂▃▄▅▆▇█]/)
    expect(hit).toMatch(/no lookups yet$/)
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
