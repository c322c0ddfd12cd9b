import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, InvalidDurationError, InvalidOptionError } from '../errors.js'
import { createMetricsHistory } from './metrics-history.js'
import { buildMetrics, feed, GiB, MiB, T0 } from '../../test/fixtures/metrics-feed.js'
import type { MetricsOverrides } from '../../test/fixtures/metrics-feed.js'

const SECOND = 1_000

function historyOf(...records: MetricsOverrides[]) {
  const history = createMetricsHistory()
  for (const record of records) history.record(buildMetrics(record))
  return history
}

describe('createMetricsHistory', () => {
  it('derives interval rates from the change of cumulative counters', () => {
    const history = historyOf(
      { at: T0, cache: { hits: 100, misses: 100, l1: { evictions: 5 } } },
      {
        at: T0 + 10 * SECOND,
        cache: {
          hits: 180,
          misses: 120,
          l1: { evictions: 25 },
          l2: { errors: 4 },
          compression: { compressed: 4, bytesSaved: 1_000 },
        },
        db: {
          pool: { acquireTimeouts: 2 },
          queries: { executed: 500 },
          cache: { hits: 30, misses: 10 },
        },
        tasks: { processed: { completed: 9, failed: 1 } },
      },
    )
    expect(history.latest('cache.hitRate')).toBe(0.8)
    expect(history.latest('cache.lookups')).toBe(10)
    expect(history.latest('cache.l1.evictionsPerSecond')).toBe(2)
    expect(history.latest('cache.l2.errorsPerSecond')).toBe(0.4)
    expect(history.latest('cache.compressed')).toBe(4)
    expect(history.latest('cache.bytesSavedPerCompressed')).toBe(250)
    expect(history.latest('db.pool.acquireTimeoutsPerSecond')).toBe(0.2)
    expect(history.latest('db.queries.perSecond')).toBe(50)
    expect(history.latest('db.queryCache.hitRate')).toBe(0.75)
    expect(history.latest('tasks.failureRate')).toBe(0.1)
  })

  it('records gauges from the first record and interval series only from the second', () => {
    const history = historyOf({
      cache: { l1: { bytes: 16 * MiB }, l2: { breaker: 'open', latencyMs: { p99: 7 } } },
      db: { pool: { waiting: 3, saturation: 0.9 } },
      tasks: { counts: { backlog: 42 }, concurrency: 10, averageWaitMs: 250 },
      memory: { heap: { ratio: 0.6 } },
      system: {
        cpu: { total: 55 },
        memory: { usedPercent: 61 },
        eventLoop: { delay: { p99: 33 } },
        filesystems: {
          entries: [
            {
              mount: '/',
              device: 'a',
              type: 'ext4',
              size: 10,
              used: 4,
              available: 6,
              usedPercent: 40,
            },
            {
              mount: '/data',
              device: 'b',
              type: 'xfs',
              size: 10,
              used: 9,
              available: 1,
              usedPercent: 90,
            },
          ],
        },
      },
    })
    expect(history.latest('cache.l1.fill')).toBe(0.25)
    expect(history.latest('cache.l2.breakerOpen')).toBe(1)
    expect(history.latest('cache.l2.p99Ms')).toBe(7)
    expect(history.latest('db.pool.waiting')).toBe(3)
    expect(history.latest('db.pool.saturation')).toBe(0.9)
    expect(history.latest('tasks.backlog')).toBe(42)
    expect(history.latest('tasks.concurrency')).toBe(10)
    expect(history.latest('tasks.atMax')).toBe(1)
    expect(history.latest('tasks.waitMs')).toBe(250)
    expect(history.latest('memory.heapRatio')).toBe(0.6)
    expect(history.latest('system.cpu')).toBe(55)
    expect(history.latest('system.memoryUsedPercent')).toBe(61)
    expect(history.latest('system.diskUsedPercent')).toBe(90)
    expect(history.latest('system.loopDelayP99Ms')).toBe(33)
    expect(history.latest('cache.hitRate')).toBeUndefined()
    expect(history.latest('cache.lookups')).toBeUndefined()
    expect(history.latest('memory.leakSuspected')).toBeUndefined()
  })

  it('adds no hit-rate point for an interval without lookups', () => {
    const history = historyOf({ at: T0 }, { at: T0 + 5 * SECOND })
    expect(history.latest('cache.lookups')).toBe(0)
    expect(history.latest('cache.hitRate')).toBeUndefined()
    expect(history.latest('db.queryCache.hitRate')).toBeUndefined()
    expect(history.latest('tasks.failureRate')).toBeUndefined()
    expect(history.latest('cache.bytesSavedPerCompressed')).toBeUndefined()
  })

  it('starts a new baseline when a counter goes backwards instead of a negative rate', () => {
    const history = historyOf(
      { at: T0, cache: { hits: 1_000, misses: 1_000 } },
      { at: T0 + 10 * SECOND, cache: { hits: 1_100, misses: 1_100 } },
      // The cache was recreated: its counters start from zero again.
      { at: T0 + 20 * SECOND, cache: { hits: 10, misses: 30 } },
      { at: T0 + 30 * SECOND, cache: { hits: 40, misses: 40 } },
    )
    const lookups = history.window('cache.lookups', 60 * SECOND)
    expect(lookups?.count).toBe(2)
    expect(lookups?.min).toBe(4)
    expect(lookups?.last).toBe(4)
    expect(history.latest('cache.hitRate')).toBe(0.75)
  })

  it('counts slow queries newer than the newest one of the previous record', () => {
    const slow = (seconds: number) => ({
      sql: 'SELECT 1',
      durationMs: 300,
      at: new Date(T0 + seconds * SECOND).toISOString(),
      error: null,
    })
    const history = historyOf(
      { at: T0, db: { queries: { slow: [] } } },
      { at: T0 + 10 * SECOND, db: { queries: { slow: [slow(2), slow(8)] } } },
      {
        at: T0 + 20 * SECOND,
        db: { queries: { slow: [slow(2), slow(8), slow(12), slow(15), slow(19)] } },
      },
      // The list is capped: the oldest went, which must not count as new ones.
      { at: T0 + 30 * SECOND, db: { queries: { slow: [slow(15), slow(19), slow(25)] } } },
    )
    const perSecond = history.points('db.queries.slowPerSecond', 60 * SECOND)
    expect(perSecond.map((point) => point.value)).toEqual([0.2, 0.3, 0.1])
  })

  it('counts one monitor snapshot once, however often it is recorded', () => {
    const history = historyOf(
      { at: T0, system: { timestamp: T0, cpu: { total: 10 } } },
      { at: T0 + 2 * SECOND, system: { timestamp: T0, cpu: { total: 10 } } },
      { at: T0 + 4 * SECOND, system: { timestamp: T0 + 3 * SECOND, cpu: { total: 30 } } },
    )
    expect(history.points('system.cpu', 60 * SECOND)).toEqual([
      { at: T0, value: 10 },
      { at: T0 + 4 * SECOND, value: 30 },
    ])
  })

  it('raises memory.leakSuspected for the interval in which a suspicion was raised', () => {
    const history = historyOf(
      { at: T0, memory: { leak: { suspicions: 2 } } },
      { at: T0 + 10 * SECOND, memory: { leak: { suspicions: 2 } } },
      { at: T0 + 20 * SECOND, memory: { leak: { suspicions: 3 } } },
      { at: T0 + 30 * SECOND, memory: { leak: { suspicions: 3 } } },
    )
    const points = history.points('memory.leakSuspected', 60 * SECOND)
    expect(points.map((point) => point.value)).toEqual([0, 1, 0])
  })

  it('marks tasks.atMax only while concurrency is at the autoscaler maximum', () => {
    const history = historyOf(
      { at: T0, tasks: { concurrency: 4, autoscaler: { max: 8 } } },
      { at: T0 + 10 * SECOND, tasks: { concurrency: 8, autoscaler: { max: 8 } } },
    )
    expect(history.points('tasks.atMax', 60 * SECOND).map((point) => point.value)).toEqual([0, 1])
  })

  it('leaves out the series of absent components', () => {
    const history = historyOf(
      { at: T0, cache: undefined, db: undefined, memory: undefined },
      { at: T0 + 10 * SECOND, cache: undefined, db: undefined, memory: undefined },
    )
    expect(history.series().some((name) => /^(cache|db|memory)\./.test(name))).toBe(false)
    expect(history.series()).toContain('tasks.backlog')
    expect(history.series()).toContain('system.cpu')
  })

  it('ignores a record too soon after the previous one, or older than it', () => {
    const history = historyOf(
      { at: T0, db: { pool: { waiting: 1 } } },
      { at: T0 + 500, db: { pool: { waiting: 2 } } },
      { at: T0 - 10 * SECOND, db: { pool: { waiting: 3 } } },
      { at: T0 + 10 * SECOND, db: { pool: { waiting: 4 } } },
    )
    expect(history.points('db.pool.waiting', 60 * SECOND).map((point) => point.value)).toEqual([
      1, 4,
    ])
  })

  it('summarizes a window: count, span, extremes, mean, p95, first, last and slope', () => {
    const { history } = feed((index) => ({ tasks: { counts: { backlog: 10 + 2 * index } } }), {
      count: 20,
      intervalMs: 15 * SECOND,
    })
    // 20 points 15 s apart rising by 2 each: 8 per minute.
    expect(history.window('tasks.backlog', 10 * 60_000)).toEqual({
      count: 20,
      spanMs: 19 * 15 * SECOND,
      min: 10,
      max: 48,
      mean: 29,
      p95: 46,
      first: 10,
      last: 48,
      slopePerMinute: 8,
    })
  })

  it('keeps only the points inside the window before the newest record', () => {
    const { history } = feed((index) => ({ tasks: { counts: { backlog: index } } }), {
      count: 10,
      intervalMs: 10 * SECOND,
    })
    // The newest record is at 90 s: a 30 s window holds the points after 60 s.
    const window = history.window('tasks.backlog', 30 * SECOND)
    expect(window).toMatchObject({ count: 3, first: 7, last: 9, spanMs: 20 * SECOND })
    expect(window?.slopePerMinute).toBeCloseTo(6, 10)
  })

  it('has a slope of 0 and a span of 0 for a single point', () => {
    const history = historyOf({ db: { pool: { waiting: 5 } } })
    expect(history.window('db.pool.waiting', 60 * SECOND)).toMatchObject({
      count: 1,
      spanMs: 0,
      p95: 5,
      slopePerMinute: 0,
    })
  })

  it('answers undefined for a series without points in the window', () => {
    const history = historyOf({ at: T0 }, { at: T0 + 10 * SECOND })
    expect(history.window('cache.hitRate', 60 * SECOND)).toBeUndefined()
    expect(history.window('no.such.series', 60 * SECOND)).toBeUndefined()
    expect(history.latest('no.such.series')).toBeUndefined()
    expect(history.points('no.such.series', 60 * SECOND)).toEqual([])
  })

  it('drops the oldest points once a ring is full', () => {
    const history = createMetricsHistory({ capacity: 5 })
    for (let index = 0; index < 8; index++) {
      history.record(buildMetrics({ at: T0 + index * SECOND, db: { pool: { waiting: index } } }))
    }
    const window = history.window('db.pool.waiting', 60 * SECOND)
    expect(window).toMatchObject({ count: 5, first: 3, last: 7, min: 3, max: 7 })
    expect(history.latest('db.pool.waiting')).toBe(7)
    expect(history.points('db.pool.waiting', 60 * SECOND).map((point) => point.value)).toEqual([
      3, 4, 5, 6, 7,
    ])
  })

  it('sizes its rings from the retention', () => {
    const history = createMetricsHistory({ retention: '9s' })
    for (let index = 0; index < 20; index++) {
      history.record(buildMetrics({ at: T0 + index * SECOND, db: { pool: { waiting: index } } }))
    }
    // 9 s at one record per 900 ms is 10 points.
    expect(history.window('db.pool.waiting', 60 * SECOND)?.count).toBe(10)
  })

  it('rejects a bad retention or capacity as an option, and a bad window as an argument', () => {
    expect(() => createMetricsHistory({ retention: '15 parsecs' })).toThrow(
      /options\.retention.*unit ms, s, m, h or d/,
    )
    expect(() => createMetricsHistory({ retention: '15 parsecs' })).toThrow(InvalidDurationError)
    expect(() => createMetricsHistory({ capacity: 0 })).toThrow(InvalidOptionError)
    expect(() => createMetricsHistory({ capacity: 2.5 })).toThrow(
      /options\.capacity.*positive integer/,
    )
    const history = historyOf({})
    let caught: unknown
    try {
      history.window('db.pool.waiting', -1)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError)
    expect((caught as InvalidArgumentError).code).toBe('E_CORE_INVALID_ARGUMENT')
    expect((caught as InvalidArgumentError).field).toBe('windowMs')
  })

  it('measures l1 fill against the byte bound', () => {
    const history = historyOf({ cache: { l1: { bytes: 3 * GiB, maxBytes: 4 * GiB } } })
    expect(history.latest('cache.l1.fill')).toBe(0.75)
  })
})
