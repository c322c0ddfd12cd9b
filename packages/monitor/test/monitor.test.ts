import { once } from 'node:events'
import { cpus, totalmem } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createMonitor,
  InvalidDurationError,
  UnknownMetricError,
  type Monitor,
  type MonitorSnapshot,
} from '@bi-perf/monitor'
import { waitForValue } from '@bi-perf/test-services'

const monitors: Monitor[] = []

function started(options: Parameters<typeof createMonitor>[0] = {}): Monitor {
  const monitor = createMonitor({ interval: 100, ...options }).start()
  monitors.push(monitor)
  return monitor
}

/** Resolves with the first snapshot that satisfies `test`. */
function sampleWhere(monitor: Monitor, test: (snapshot: MonitorSnapshot) => boolean) {
  return waitForValue(
    () => {
      const snapshot = monitor.latest()
      return snapshot && test(snapshot) ? snapshot : undefined
    },
    { what: 'a matching sample', timeoutMs: 15_000 },
  )
}

function busyFor(ms: number) {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // Holding the loop on purpose.
  }
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()))
})

describe('live sampling on Linux', () => {
  it('fills every field of the snapshot with plausible values', async () => {
    const before = Date.now()
    const monitor = started()
    expect(monitor.latest()).toBeUndefined()
    const snapshot = await sampleWhere(monitor, () => true)

    expect(snapshot.timestamp).toBeGreaterThanOrEqual(before)
    expect(snapshot.timestamp).toBeLessThanOrEqual(Date.now())
    expect(snapshot.elapsedMs).toBeGreaterThan(0)
    expect(snapshot.source).toBe('proc')
    expect(snapshot.errors).toEqual([])

    const cpu = snapshot.cpu!
    expect(cpu.cores).toHaveLength(cpus().length)
    for (const share of [cpu.total, cpu.user, cpu.system, cpu.iowait, cpu.steal, ...cpu.cores]) {
      expect(share).toBeGreaterThanOrEqual(0)
      expect(share).toBeLessThanOrEqual(100)
    }
    expect(cpu.user + cpu.system + cpu.steal).toBeCloseTo(cpu.total, 0)

    expect(snapshot.load!.avg1).toBeGreaterThanOrEqual(0)
    expect(snapshot.load!.avg15).toBeGreaterThanOrEqual(0)

    const memory = snapshot.memory!
    expect(memory.total).toBe(totalmem())
    expect(memory.used + memory.available).toBe(memory.total)
    expect(memory.usedPercent).toBeGreaterThan(0)
    expect(memory.usedPercent).toBeLessThan(100)
    expect(memory.swapUsed).toBeLessThanOrEqual(memory.swapTotal)

    const root = snapshot.filesystems!.entries.find((entry) => entry.mount === '/')!
    expect(root.size).toBeGreaterThan(0)
    expect(root.used).toBeLessThanOrEqual(root.size)
    expect(root.usedPercent).toBeGreaterThan(0)
    expect(root.usedPercent).toBeLessThanOrEqual(100)
    expect(snapshot.filesystems!.sampledAt).toBeLessThanOrEqual(snapshot.timestamp)

    const disk = snapshot.disk!
    expect(disk.devices.length).toBeGreaterThan(0)
    expect(disk.readBytes).toBe(disk.devices.reduce((sum, device) => sum + device.readBytes, 0))
    for (const rate of [disk.readBytesPerSec, disk.writeBytesPerSec, disk.readsPerSec]) {
      expect(rate).toBeGreaterThanOrEqual(0)
    }
    const network = snapshot.network!
    expect(network.interfaces.map((entry) => entry.name)).not.toContain('lo')
    expect(network.rxBytesPerSec).toBeGreaterThanOrEqual(0)

    const own = snapshot.process!
    expect(own.pid).toBe(process.pid)
    expect(own.rss).toBeGreaterThan(own.heap.used)
    expect(own.heap.total).toBeGreaterThanOrEqual(own.heap.used)
    expect(own.heap.limit).toBe(getHeapStatistics().heap_size_limit)
    expect(own.external).toBeGreaterThanOrEqual(own.arrayBuffers)
    expect(own.cpu.total).toBeGreaterThanOrEqual(0)
    expect(own.activeResources).toBe(
      Object.values(own.activeResourcesByType).reduce((sum, count) => sum + count, 0),
    )
    expect(own.uptime).toBeGreaterThan(0)

    const loop = snapshot.eventLoop!
    expect(loop.resolutionMs).toBe(50)
    expect(loop.delay.p50).toBeLessThanOrEqual(loop.delay.p99)
    expect(loop.delay.p99).toBeLessThanOrEqual(loop.delay.max)
    expect(loop.delay.min).toBeGreaterThanOrEqual(0)
    expect(loop.utilization).toBeGreaterThanOrEqual(0)
    expect(loop.utilization).toBeLessThanOrEqual(100)

    expect(snapshot.monitor.samples).toBeGreaterThanOrEqual(1)
    expect(snapshot.monitor.cpuPercent).toBeGreaterThanOrEqual(0)
    expect(snapshot.monitor.collectMs).toBeGreaterThanOrEqual(0)
    expect(snapshot.monitor.errors).toBe(0)

    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
  })

  it('answers latest() with the stored snapshot, not a fresh collection', async () => {
    const monitor = started({ interval: '1s' })
    const snapshot = await sampleWhere(monitor, () => true)
    const samples = snapshot.monitor.samples
    expect(monitor.latest()).toBe(snapshot)
    expect(monitor.latest()).toBe(monitor.latest())
    expect(monitor.latest()!.monitor.samples).toBe(samples)
  })

  it('sees a blocked event loop in the delay and a busy one in utilization and process CPU', async () => {
    const monitor = started()
    await sampleWhere(monitor, () => true)
    busyFor(300)
    // A 300 ms stall shows as at least 200 ms of delay however loaded the machine is.
    const maxDelay = await waitForValue(
      () => {
        const delays = monitor.history('eventLoop.delay.max').map((point) => point.value)
        const max = Math.max(0, ...delays)
        return max >= 200 && max
      },
      { what: 'a sample with 200 ms of event-loop delay', timeoutMs: 15_000 },
    )
    expect(maxDelay).toBeLessThan(60_000)
    expect(monitor.summary()['eventLoop.utilization']!.max).toBeGreaterThan(0)
    expect(monitor.summary()['process.cpu.total']!.max).toBeGreaterThan(0)
  })

  it('keeps a history per metric, ordered, windowed back from the newest sample', async () => {
    const monitor = started({ interval: 50 })
    await sampleWhere(monitor, (snapshot) => snapshot.monitor.samples >= 4)
    const points = monitor.history('cpu.total')
    expect(points.length).toBeGreaterThanOrEqual(4)
    for (let index = 1; index < points.length; index++) {
      expect(points[index]!.timestamp).toBeGreaterThan(points[index - 1]!.timestamp)
    }
    const newest = monitor.history('process.heap.used', 1)
    expect(newest).toHaveLength(1)
    const names = monitor.metrics()
    expect(names).toEqual(
      expect.arrayContaining([
        'cpu.total',
        'cpu.core.0',
        'memory.used',
        'fs./.usedPercent',
        'process.heap.used',
        'eventLoop.delay.p99',
        'eventLoop.utilization',
        'monitor.cpuPercent',
      ]),
    )
    const summary = monitor.summary('1m')
    expect(Object.keys(summary).sort()).toEqual([...names].sort())
    const cpu = summary['cpu.total']!
    expect(cpu.count).toBeGreaterThanOrEqual(4)
    expect(cpu.min).toBeLessThanOrEqual(cpu.avg)
    expect(cpu.avg).toBeLessThanOrEqual(cpu.max)
    expect(cpu.p95).toBeLessThanOrEqual(cpu.max)
    expect(Number.isFinite(cpu.trendPerMinute)).toBe(true)
  })

  it('throws a typed error for an unknown metric and a bad window', async () => {
    const monitor = started()
    await sampleWhere(monitor, () => true)
    expect(() => monitor.history('cpu.totl')).toThrow(UnknownMetricError)
    expect(() => monitor.history('cpu.totl')).toThrow(/expected one of cpu\.total/)
    expect(monitor.history('cpu.core.999')).toEqual([])
    expect(() => monitor.history('cpu.total', '5 minutes')).toThrow(InvalidDurationError)
    expect(() => monitor.summary(-1)).toThrow(/window/)
  })

  it('records a failed collector as an error in the snapshot and keeps sampling', async () => {
    const monitor = started({ filesystems: ['/', '/definitely/not/mounted'] })
    const snapshot = await sampleWhere(monitor, (candidate) => candidate.errors.length > 0)
    expect(snapshot.errors).toHaveLength(1)
    expect(snapshot.errors[0]!.collector).toBe('filesystems')
    expect(snapshot.errors[0]!.message).toContain('/definitely/not/mounted')
    expect(snapshot.filesystems!.entries.map((entry) => entry.mount)).toEqual(['/'])
    expect(snapshot.cpu).not.toBeNull()
    const later = await sampleWhere(
      monitor,
      (candidate) => candidate.monitor.samples > snapshot.monitor.samples,
    )
    expect(later.monitor.errors).toBeGreaterThanOrEqual(1)
  })

  it('is idempotent in start() and stop(), and samples again after a restart', async () => {
    const monitor = createMonitor({ interval: 50 })
    monitors.push(monitor)
    expect(monitor.start()).toBe(monitor)
    expect(monitor.start()).toBe(monitor)
    await sampleWhere(monitor, () => true)
    await Promise.all([monitor.stop(), monitor.stop()])
    await monitor.stop()
    expect(monitor.running).toBe(false)
    const last = monitor.latest()
    expect(monitor.history('cpu.total').length).toBeGreaterThan(0)

    monitor.start()
    const [next] = (await once(monitor, 'sample')) as [MonitorSnapshot]
    expect(next).not.toBe(last)
    expect(next.monitor.samples).toBe(1)
    expect(next.timestamp).toBeGreaterThan(last!.timestamp)
  })

  it('reads static facts of the machine once', async () => {
    const monitor = createMonitor()
    const info = await monitor.info()
    expect(info.cpu.cores).toBe(cpus().length)
    expect(info.os.platform).toBe('linux')
    expect(info.memoryTotal).toBe(totalmem())
    expect(info.nodeVersion).toBe(process.version)
    expect(await monitor.info()).toBe(info)
  })
})

describe('systeminformation fallback', () => {
  it('fills the snapshot through systeminformation when asked to', async () => {
    const monitor = started({ source: 'systeminformation', interval: 300 })
    const snapshot = await sampleWhere(monitor, () => true)
    expect(snapshot.source).toBe('systeminformation')
    expect(snapshot.cpu!.cores).toHaveLength(cpus().length)
    expect(snapshot.cpu!.total).toBeGreaterThanOrEqual(0)
    expect(snapshot.memory!.total).toBe(totalmem())
    expect(snapshot.filesystems!.entries.some((entry) => entry.mount === '/')).toBe(true)
    expect(snapshot.network!.interfaces.map((entry) => entry.name)).not.toContain('lo')
    expect(snapshot.process!.pid).toBe(process.pid)
  })
})
