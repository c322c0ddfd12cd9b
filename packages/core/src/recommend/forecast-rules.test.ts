import { describe, expect, it } from 'vitest'
import { forecastResources } from '../forecast/forecast.js'
import { recommend } from './recommend.js'
import { feed, GiB, MiB, T0 } from '../../test/fixtures/metrics-feed.js'
import { forecastDbPool, forecastDisk, forecastHeap } from './forecast-rules.js'
import type { Forecast } from '../types.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

function forecast(overrides: Partial<Forecast>): Forecast {
  return {
    resource: 'disk',
    subject: 'disk /var',
    outlook: 'exhausts',
    etaMs: 3 * HOUR,
    confidence: 0.9,
    current: 8 * GiB,
    limit: 10 * GiB,
    unit: 'bytes',
    ratePerMinute: 11 * MiB,
    summary: 'disk /var full in about 3 h at the current rate (+11 MiB/min)',
    ...overrides,
  }
}

describe('forecast rules', () => {
  it('raises a disk forecast under the horizon, with the forecast as evidence and a command', () => {
    const ctx = { ...feed(() => ({})), forecasts: [forecast({})] }
    expect(forecastDisk.evaluate(ctx)).toEqual({
      id: 'forecast.disk',
      component: 'system',
      priority: 'high',
      title: 'disk /var runs out in about 3 h at the current rate',
      evidence: {
        metric: 'forecast.disk.etaMs',
        value: 3 * HOUR,
        threshold: 24 * HOUR,
        window: 'now',
        summary:
          'disk /var full in about 3 h at the current rate (+11 MiB/min); confidence 90 % ' +
          '(raised under the 1 d horizon)',
      },
      action:
        'find what grows on /var (logs, temporary files, database files), free or rotate it, or grow the volume',
      apply: { command: 'du -xh -d 2 /var | sort -h | tail -n 15', restart: false },
    })
  })

  it('ranks by time left: critical under an hour, high under six, medium within the horizon', () => {
    const priorityAt = (etaMs: number) =>
      forecastDisk.evaluate({ ...feed(() => ({})), forecasts: [forecast({ etaMs })] })?.priority
    expect(priorityAt(0)).toBe('critical')
    expect(priorityAt(40 * MINUTE)).toBe('critical')
    expect(priorityAt(5 * HOUR)).toBe('high')
    expect(priorityAt(20 * HOUR)).toBe('medium')
  })

  it('stays silent beyond the configured horizon, on low confidence, and without forecasts', () => {
    const ctx = feed(() => ({}))
    expect(
      forecastDisk.evaluate({ ...ctx, forecasts: [forecast({ etaMs: 30 * HOUR })] }),
    ).toBeUndefined()
    expect(
      forecastDisk.evaluate({ ...ctx, forecasts: [forecast({})], forecastHorizonMs: 2 * HOUR }),
    ).toBeUndefined()
    expect(
      forecastDisk.evaluate({ ...ctx, forecasts: [forecast({ confidence: 0.3 })] }),
    ).toBeUndefined()
    expect(
      forecastDisk.evaluate({ ...ctx, forecasts: [forecast({ outlook: 'unknown', etaMs: null })] }),
    ).toBeUndefined()
    expect(forecastDisk.evaluate(ctx)).toBeUndefined()
  })

  it('names the soonest disk when several fill', () => {
    const ctx = {
      ...feed(() => ({})),
      forecasts: [
        forecast({ subject: 'disk /', etaMs: 10 * HOUR }),
        forecast({ subject: 'disk /data', etaMs: 2 * HOUR }),
      ],
    }
    expect(forecastDisk.evaluate(ctx)?.title).toBe(
      'disk /data runs out in about 2 h at the current rate',
    )
  })

  it('proposes a bigger pool on PostgreSQL and PostgreSQL itself on PGlite', () => {
    const pool = forecast({
      resource: 'db.pool',
      subject: 'database pool',
      etaMs: 30 * MINUTE,
      unit: 'connections',
      limit: 10,
    })
    const postgres = forecastDbPool.evaluate({
      ...feed(() => ({ db: { backend: 'postgres' as const } })),
      forecasts: [pool],
    })
    expect(postgres?.apply).toEqual({
      yaml: 'database.pool.max: 20',
      env: 'BI_PERF_DATABASE_POOL_MAX=20',
      restart: true,
    })
    const pglite = forecastDbPool.evaluate({
      ...feed(() => ({ db: { backend: 'pglite' as const } })),
      forecasts: [pool],
    })
    expect(pglite?.action).toMatch(/^embedded PGlite serves one connection at a time/)
    expect(pglite?.apply.env).toBe('DATABASE_URL=postgres://user@host:5432/db')
  })

  it('proposes a heap snapshot for a heap running out', () => {
    const heap = forecast({ resource: 'heap', subject: 'heap', etaMs: 20 * MINUTE })
    const recommendation = forecastHeap.evaluate({ ...feed(() => ({})), forecasts: [heap] })
    expect(recommendation?.priority).toBe('critical')
    expect(recommendation?.apply).toEqual({
      command: 'bi-performance heap-snapshot',
      restart: false,
    })
  })

  it('runs among the default rules on forecasts made from a filling disk', () => {
    const step = 10_000
    const ctx = feed(
      (i) => ({
        system: {
          filesystems: {
            sampledAt: T0 + i * step,
            entries: [
              {
                mount: '/var',
                device: '/dev/vdb1',
                type: 'ext4',
                size: 10 * GiB,
                used: 9 * GiB + i * 5 * MiB,
                available: 1 * GiB - i * 5 * MiB,
                usedPercent: 90,
              },
            ],
          },
        },
      }),
      { count: 40, intervalMs: step },
    )
    const forecasts = forecastResources({ ...ctx, windowMs: 15 * MINUTE })
    const ids = recommend({ ...ctx, forecasts }).map((recommendation) => recommendation.id)
    expect(ids).toContain('forecast.disk')
  })
})
