import { describe, expect, it } from 'vitest'
import {
  createMonitor,
  InvalidSampleError,
  type AlertEvent,
  type MonitorSnapshot,
} from '@bi-perf/monitor'
import { snapshotAt } from './helpers.js'

const T0 = 1_795_000_000_000

/** Records every alert event of a monitor in order. */
function recorder(monitor: ReturnType<typeof createMonitor>) {
  const events: AlertEvent[] = []
  monitor.on('alert', (alert) => events.push(alert))
  monitor.on('alert-cleared', (alert) => events.push(alert))
  return events
}

function withCpu(second: number, total: number): MonitorSnapshot {
  const base = snapshotAt(T0 + second * 1000)
  return { ...base, cpu: { ...base.cpu!, total } }
}

describe('alerts driven through ingested samples', () => {
  it('fires the default CPU warning after 30 s above 85 % and clears it below 75 %', () => {
    const monitor = createMonitor()
    const events = recorder(monitor)
    for (let second = 0; second < 30; second++) monitor.ingest(withCpu(second, 90))
    expect(events).toEqual([])
    monitor.ingest(withCpu(30, 90))
    expect(events).toEqual([
      expect.objectContaining({
        rule: 'cpu-high',
        metric: 'cpu.total',
        state: 'firing',
        severity: 'warning',
        value: 90,
        threshold: 85,
        clearAt: 75,
        since: T0,
        firedAt: T0 + 30_000,
      }),
    ])
    expect(monitor.alerts()).toEqual([expect.objectContaining({ rule: 'cpu-high', value: 90 })])

    // 80 is below the threshold but above clearAt: still firing.
    monitor.ingest(withCpu(31, 80))
    monitor.ingest(withCpu(32, 86))
    monitor.ingest(withCpu(33, 76))
    expect(events).toHaveLength(1)
    monitor.ingest(withCpu(34, 74))
    expect(events[1]).toMatchObject({
      rule: 'cpu-high',
      state: 'cleared',
      value: 74,
      since: T0,
      clearedAt: T0 + 34_000,
    })
    expect(monitor.alerts()).toEqual([])
  })

  it('does not flap while CPU swings across the threshold for ten minutes', () => {
    const monitor = createMonitor()
    const events = recorder(monitor)
    for (let second = 0; second < 600; second++) {
      monitor.ingest(withCpu(second, second % 2 === 0 ? 90 : 80))
    }
    // Never 30 s above 85 without a dip, and never below 75: nothing fires, nothing flaps.
    expect(events).toEqual([])
  })

  it('has defaults for memory, disk and event-loop delay with critical levels', () => {
    const monitor = createMonitor()
    const events = recorder(monitor)
    for (let second = 0; second <= 60; second++) {
      const base = snapshotAt(T0 + second * 1000)
      monitor.ingest({
        ...base,
        memory: { ...base.memory!, usedPercent: 96 },
        filesystems: {
          sampledAt: base.timestamp,
          entries: [{ ...base.filesystems!.entries[0]!, usedPercent: 97 }],
        },
        eventLoop: { ...base.eventLoop!, delay: { ...base.eventLoop!.delay, p99: 1500 } },
      })
    }
    const fired = events.map((event) => `${event.rule}@${(event.firedAt - T0) / 1000}s`)
    expect(fired.sort()).toEqual(
      [
        'memory-critical@10s',
        'memory-high@30s',
        'disk-critical@10s',
        'disk-high@60s',
        'event-loop-delay-critical@10s',
        'event-loop-delay-high@30s',
      ].sort(),
    )
    expect(events.find((event) => event.rule === 'disk-high')!.metric).toBe('fs./.usedPercent')
    expect(events.filter((event) => event.severity === 'critical')).toHaveLength(3)
  })

  it('runs custom rules and honours a rule turned off', () => {
    const monitor = createMonitor({
      thresholds: {
        'cpu-high': false,
        'heap-growing': { metric: 'process.heap.used', above: 50e6, for: '2s', clearAt: 30e6 },
      },
    })
    const events = recorder(monitor)
    for (let second = 0; second < 40; second++) {
      const base = snapshotAt(T0 + second * 1000)
      monitor.ingest({
        ...base,
        cpu: { ...base.cpu!, total: 90 },
        process: { ...base.process!, heap: { ...base.process!.heap, used: 60e6 } },
      })
    }
    expect(events.map((event) => [event.rule, (event.firedAt - T0) / 1000])).toEqual([
      ['heap-growing', 2],
    ])
  })

  it('leaves a gap, not a zero, when a section is missing', () => {
    const monitor = createMonitor()
    const events = recorder(monitor)
    monitor.ingest(withCpu(0, 90))
    monitor.ingest({ ...snapshotAt(T0 + 1000), cpu: null })
    monitor.ingest(withCpu(2, 90))
    expect(monitor.history('cpu.total').map((point) => point.value)).toEqual([90, 90])
    expect(monitor.history('memory.used')).toHaveLength(3)
    expect(events).toEqual([])
  })

  it('emits sample for ingested snapshots and makes them the latest', () => {
    const monitor = createMonitor()
    const seen: MonitorSnapshot[] = []
    monitor.on('sample', (snapshot) => seen.push(snapshot))
    const snapshot = snapshotAt(T0)
    monitor.ingest(snapshot)
    expect(seen).toEqual([snapshot])
    expect(monitor.latest()).toBe(snapshot)
  })

  it('computes summary trends over the window from ingested history', () => {
    const monitor = createMonitor()
    for (let second = 0; second < 120; second++) {
      const base = snapshotAt(T0 + second * 1000)
      monitor.ingest({
        ...base,
        process: { ...base.process!, heap: { ...base.process!.heap, used: 10e6 + second * 1e6 } },
      })
    }
    const lastMinute = monitor.summary('1m')['process.heap.used']!
    expect(lastMinute.count).toBe(60)
    expect(lastMinute.min).toBe(70e6)
    expect(lastMinute.max).toBe(129e6)
    expect(lastMinute.last).toBe(129e6)
    expect(lastMinute.trendPerMinute).toBeCloseTo(60e6, -3)
    expect(monitor.history('process.heap.used', '10s')).toHaveLength(10)
  })

  it('rejects snapshots that go back in time or are not snapshots', () => {
    const monitor = createMonitor()
    monitor.ingest(snapshotAt(T0 + 5000))
    expect(() => monitor.ingest(snapshotAt(T0))).toThrow(InvalidSampleError)
    expect(() => monitor.ingest(snapshotAt(T0))).toThrow(/older than the newest sample/)
    expect(() => monitor.ingest(null as never)).toThrow(/expected a snapshot object/)
    expect(() => monitor.ingest({ timestamp: 'now' } as never)).toThrow(/finite number/)
  })

  it('keeps at most history / interval points per metric', () => {
    const monitor = createMonitor({ interval: '1s', history: '10s' })
    for (let second = 0; second < 25; second++) monitor.ingest(withCpu(second, second))
    expect(monitor.history('cpu.total').map((point) => point.value)).toEqual([
      15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    ])
  })
})
