import { seededRandom } from '@bi-perf/bench'
import { describe, expect, it } from 'vitest'
import { forecastResources, forecastSeries } from './forecast.js'
import type { SeriesForecastInput } from './forecast.js'
import { formatSpan } from './format.js'
import type { SeriesPoint } from '../metrics-history/metrics-history.js'
import { feed, GiB, MiB, T0 } from '../../test/fixtures/metrics-feed.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND

/** `count` points `stepMs` apart from T0, valued `valueAt(i, at)`. */
function series(
  count: number,
  stepMs: number,
  valueAt: (index: number, at: number) => number,
): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) => {
    const at = T0 + index * stepMs
    return { at, value: valueAt(index, at) }
  })
}

function disk(points: SeriesPoint[], limit = 10 * GiB): SeriesForecastInput {
  return { resource: 'disk', subject: 'disk /var', unit: 'bytes', points, limit }
}

describe('forecastSeries', () => {
  it('forecasts the time to full of a disk growing linearly, with high confidence', () => {
    // 5 GiB used, +10 MiB every 10 s (60 MiB/min): 5 GiB left → 5120 / 60 min ≈ 85.3 min.
    const points = series(60, 10 * SECOND, (i) => 5 * GiB + i * 10 * MiB)
    const { forecast } = forecastSeries(disk(points))
    const left = 10 * GiB - points.at(-1)!.value
    const truth = (left / (60 * MiB)) * MINUTE
    expect(forecast.outlook).toBe('exhausts')
    expect(forecast.etaMs! / truth).toBeCloseTo(1, 6)
    expect(forecast.ratePerMinute).toBeCloseTo(60 * MiB, 0)
    expect(forecast.confidence).toBeGreaterThanOrEqual(0.9)
    expect(forecast.summary).toBe(
      `disk /var full in about ${formatSpan(truth)} at the current rate (+60 MiB/min)`,
    )
  })

  it('calls a flat series stable', () => {
    const { forecast } = forecastSeries(disk(series(60, 10 * SECOND, () => 5 * GiB)))
    expect(forecast.outlook).toBe('stable')
    expect(forecast.etaMs).toBeNull()
    expect(forecast.summary).toBe('disk /var stable at 5 GiB of 10 GiB')
  })

  it('calls a noisy flat series stable, never exhausting', () => {
    const next = seededRandom(7)
    const points = series(90, 10 * SECOND, () => 5 * GiB + (next() - 0.5) * 200 * MiB)
    const { forecast } = forecastSeries(disk(points))
    expect(forecast.outlook).toBe('stable')
    expect(forecast.etaMs).toBeNull()
  })

  it('ignores a few wild outliers in a linear trend', () => {
    const points = series(60, 10 * SECOND, (i) => 5 * GiB + i * 10 * MiB)
    for (const index of [10, 25, 40]) points[index]!.value += 3 * GiB
    const { forecast } = forecastSeries(disk(points))
    expect(forecast.outlook).toBe('exhausts')
    expect(forecast.ratePerMinute / (60 * MiB)).toBeCloseTo(1, 2)
  })

  it('reads a GC sawtooth on a flat floor as a stable heap', () => {
    // Allocates 20 MiB/s, collected back to 200 MiB every 8 s.
    const points = series(300, SECOND, (i) => 200 * MiB + (i % 8) * 20 * MiB)
    const { forecast } = forecastSeries({
      resource: 'heap',
      subject: 'heap',
      unit: 'bytes',
      points,
      limit: 2 * GiB,
      envelope: true,
    })
    expect(forecast.outlook).toBe('stable')
  })

  it('forecasts a leaking heap from the floor its GC sawtooth leaves', () => {
    // Same sawtooth, but 2 MiB per second survives every collection (120 MiB/min).
    const points = series(300, SECOND, (i) => 200 * MiB + i * 2 * MiB + (i % 8) * 20 * MiB)
    const { forecast } = forecastSeries({
      resource: 'heap',
      subject: 'heap',
      unit: 'bytes',
      points,
      limit: 2 * GiB,
      envelope: true,
    })
    const floorNow = 200 * MiB + 299 * 2 * MiB
    const truth = ((2 * GiB - floorNow) / (120 * MiB)) * MINUTE
    expect(forecast.outlook).toBe('exhausts')
    expect(Math.abs(forecast.etaMs! / truth - 1)).toBeLessThan(0.1)
    expect(forecast.summary).toMatch(/^heap reaches its limit in about \d+ min at the current rate/)
  })

  it('says when a draining backlog will be empty', () => {
    // 240 tasks, 60 fewer per minute: empty in about 4 min.
    const points = series(31, 4 * SECOND, (i) => 360 - i * 4)
    const result = forecastSeries({
      resource: 'tasks.backlog',
      subject: 'task backlog',
      unit: 'tasks',
      points,
      limit: null,
    })
    expect(result.forecast.outlook).toBe('recovering')
    expect(result.forecast.etaMs).toBeNull()
    expect(result.drainMs).toBe(4 * MINUTE)
    expect(result.forecast.summary).toBe(
      'task backlog drains in about 4 min at the current rate (-60 tasks/min)',
    )
  })

  it('calls a backlog that keeps growing unbounded, without a time', () => {
    const points = series(31, 4 * SECOND, (i) => 10 + i * 8)
    const { forecast } = forecastSeries({
      resource: 'tasks.backlog',
      subject: 'task backlog',
      unit: 'tasks',
      points,
      limit: null,
    })
    expect(forecast.outlook).toBe('exhausts')
    expect(forecast.etaMs).toBeNull()
    expect(forecast.summary).toBe(
      'task backlog grows without bound: +120 tasks/min (arrivals outpace completions)',
    )
  })

  it('reports a pool whose demand is at its maximum as saturated now', () => {
    const { forecast } = forecastSeries({
      resource: 'db.pool',
      subject: 'database pool',
      unit: 'connections',
      points: series(30, 10 * SECOND, () => 12),
      limit: 10,
    })
    expect(forecast).toMatchObject({ outlook: 'exhausts', etaMs: 0 })
    expect(forecast.summary).toBe('database pool saturated now (12 connections)')
  })

  it('does not call a pool with every connection busy but nobody waiting saturated', () => {
    const { forecast } = forecastSeries({
      resource: 'db.pool',
      subject: 'database pool',
      unit: 'connections',
      points: series(30, 10 * SECOND, () => 10),
      limit: 10,
    })
    expect(forecast.outlook).toBe('stable')
  })

  it('gives no forecast from too little data', () => {
    const short = forecastSeries(disk(series(9, 30 * SECOND, (i) => 5 * GiB + i * GiB)))
    const brief = forecastSeries(disk(series(100, SECOND, (i) => 5 * GiB + i * MiB)))
    for (const { forecast } of [short, brief]) {
      expect(forecast).toMatchObject({ outlook: 'unknown', etaMs: null, confidence: 0 })
      expect(forecast.summary).toMatch(/^disk \/var: not enough data yet/)
    }
  })

  it('follows a regime change: a disk that stopped filling is stable again', () => {
    // 10 min of +60 MiB/min, then 4 min flat: the whole window still rises.
    const points = series(84, 10 * SECOND, (i) => 5 * GiB + Math.min(i, 60) * 10 * MiB)
    const { forecast } = forecastSeries(disk(points))
    expect(forecast.outlook).toBe('stable')
  })

  it('follows a disk that stopped filling through noise as large as a minute of its growth', () => {
    const next = seededRandom(11)
    const points = series(
      84,
      10 * SECOND,
      (i) => 5 * GiB + Math.min(i, 60) * 10 * MiB + (next() - 0.5) * 60 * MiB,
    )
    const { forecast } = forecastSeries(disk(points))
    expect(forecast.outlook).toBe('stable')
  })

  it('follows a backlog that started draining', () => {
    // 6 min growing by 60/min, then 2.5 min draining by 120/min: 60 left, 30 s to go.
    const points = series(52, 10 * SECOND, (i) => (i <= 36 ? i * 10 : 360 - (i - 36) * 20))
    const result = forecastSeries({
      resource: 'tasks.backlog',
      subject: 'task backlog',
      unit: 'tasks',
      points,
      limit: null,
    })
    expect(result.forecast.outlook).toBe('recovering')
    expect(result.drainMs).toBe(30 * SECOND)
  })

  it('trusts a short trend less the further it extrapolates', () => {
    const points = series(60, 5 * SECOND, (i) => 5 * GiB + i * MiB)
    const near = forecastSeries(disk(points, 5 * GiB + 200 * MiB)).forecast
    const far = forecastSeries(disk(points, 500 * GiB)).forecast
    expect(near.outlook).toBe('exhausts')
    expect(far.outlook).toBe('exhausts')
    expect(far.confidence).toBeLessThan(near.confidence / 2)
  })
})

describe('forecastResources', () => {
  it('forecasts each disk from its own series, and every component present', () => {
    const ctx = feed(
      (i) => ({
        uptimeMs: 10 * MINUTE + i * 10 * SECOND,
        system: {
          filesystems: {
            sampledAt: T0 + i * 10 * SECOND,
            entries: [
              {
                mount: '/',
                device: '/dev/vda1',
                type: 'ext4',
                size: 100 * GiB,
                used: 50 * GiB,
                available: 50 * GiB,
                usedPercent: 50,
              },
              {
                mount: '/var',
                device: '/dev/vdb1',
                type: 'ext4',
                size: 10 * GiB,
                used: 5 * GiB + i * 20 * MiB,
                available: 5 * GiB - i * 20 * MiB,
                usedPercent: 50,
              },
            ],
          },
        },
      }),
      { count: 40, intervalMs: 10 * SECOND },
    )
    const forecasts = forecastResources({ ...ctx, windowMs: 15 * MINUTE })
    expect(forecasts.map((forecast) => forecast.subject)).toEqual([
      'heap',
      'disk /',
      'disk /var',
      'task backlog',
      'database pool',
    ])
    const [heap, root, varDisk, backlog, pool] = forecasts
    expect(root!.outlook).toBe('stable')
    expect(varDisk!.outlook).toBe('exhausts')
    // 5 GiB - 39 × 20 MiB left at 120 MiB/min.
    expect(varDisk!.etaMs).toBe(Math.round(((5 * GiB - 39 * 20 * MiB) / (120 * MiB)) * MINUTE))
    expect(heap!.outlook).toBe('stable')
    expect(backlog!.outlook).toBe('stable')
    expect(pool!.limit).toBe(10)
  })

  it('gives no heap forecast while the process warms up', () => {
    const ctx = feed((i) => ({ uptimeMs: i * 10 * SECOND, memory: { heap: { used: i * GiB } } }), {
      count: 30,
      intervalMs: 10 * SECOND,
    })
    const heap = forecastResources({ ...ctx, windowMs: 15 * MINUTE })[0]!
    expect(heap.outlook).toBe('unknown')
    expect(heap.summary).toBe(
      'heap: not enough data yet (no heap forecast in the first 5 min after start)',
    )
  })
})

describe('formatSpan', () => {
  it('rounds as coarsely as a forecast deserves', () => {
    expect(formatSpan(0)).toBe('0 s')
    expect(formatSpan(42_000)).toBe('40 s')
    expect(formatSpan(4 * MINUTE + 10 * SECOND)).toBe('4 min')
    expect(formatSpan(3 * 3_600_000 + 9 * MINUTE)).toBe('3 h 10 min')
    expect(formatSpan(26 * 3_600_000)).toBe('1 d 2 h')
  })
})
