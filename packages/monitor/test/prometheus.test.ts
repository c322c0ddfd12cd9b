import { getHeapStatistics } from 'node:v8'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { AlreadyRegisteredError, createMonitor, type Monitor } from '@bi-perf/monitor'
import { waitForValue } from '@bi-perf/test-services'
import { snapshotAt } from './helpers.js'

interface Family {
  type: string
  help: string
  samples: { labels: Record<string, string>; value: number }[]
}

/**
 * A strict parser of the Prometheus text format (0.0.4): HELP and TYPE once per family and
 * before its samples, valid names, label sets and values. Throws on anything else.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*'
  const sampleLine = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)$`)
  const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y
  for (const line of text.split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (meta) {
      const [, kind, metric, rest] = meta
      const family = families.get(metric!) ?? { type: '', help: '', samples: [] }
      if (kind === 'TYPE') {
        if (family.type) throw new Error(`TYPE twice for ${metric}`)
        if (!['gauge', 'counter', 'histogram', 'summary', 'untyped'].includes(rest!)) {
          throw new Error(`bad type ${rest} for ${metric}`)
        }
        family.type = rest!
      } else family.help = rest!
      families.set(metric!, family)
      continue
    }
    const match = sampleLine.exec(line)
    if (!match) throw new Error(`not a sample line: ${line}`)
    const [, metric, labelText = '', valueText] = match
    const family =
      families.get(metric!) ??
      families.get(metric!.replace(/_(bucket|sum|count)$/, '')) ??
      undefined
    if (!family?.type) throw new Error(`sample before TYPE: ${line}`)
    const labels: Record<string, string> = {}
    labelPair.lastIndex = 0
    while (labelPair.lastIndex < labelText.length) {
      const pair = labelPair.exec(labelText)
      if (!pair) throw new Error(`bad labels: ${line}`)
      labels[pair[1]!] = pair[2]!
    }
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any letter case.
    const isNaN = /^nan$/i.test(valueText!)
    if (!isNaN && !/^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+|inf)$/i.test(valueText!)) {
      throw new Error(`bad value: ${line}`)
    }
    const value = isNaN ? Number.NaN : Number(valueText!.replace(/inf/i, 'Infinity'))
    family.samples.push({ labels, value })
  }
  return families
}

function value(families: Map<string, Family>, metric: string, labels: Record<string, string> = {}) {
  const family = families.get(metric)
  if (!family) throw new Error(`${metric} is not exposed`)
  const sample = family.samples.find((candidate) =>
    Object.entries(labels).every(([key, wanted]) => candidate.labels[key] === wanted),
  )
  if (!sample) throw new Error(`${metric}${JSON.stringify(labels)} has no sample`)
  return sample.value
}

/** Every family the monitor adds, with its type. */
const EXPECTED_TYPES: Record<string, string> = {
  bi_perf_system_cpu_usage_ratio: 'gauge',
  bi_perf_system_cpu_mode_ratio: 'gauge',
  bi_perf_system_cpu_core_usage_ratio: 'gauge',
  bi_perf_system_load1: 'gauge',
  bi_perf_system_load5: 'gauge',
  bi_perf_system_load15: 'gauge',
  bi_perf_system_memory_total_bytes: 'gauge',
  bi_perf_system_memory_used_bytes: 'gauge',
  bi_perf_system_memory_available_bytes: 'gauge',
  bi_perf_system_memory_free_bytes: 'gauge',
  bi_perf_system_memory_usage_ratio: 'gauge',
  bi_perf_system_swap_total_bytes: 'gauge',
  bi_perf_system_swap_used_bytes: 'gauge',
  bi_perf_system_filesystem_size_bytes: 'gauge',
  bi_perf_system_filesystem_used_bytes: 'gauge',
  bi_perf_system_filesystem_available_bytes: 'gauge',
  bi_perf_system_filesystem_usage_ratio: 'gauge',
  bi_perf_system_disk_read_bytes_total: 'counter',
  bi_perf_system_disk_written_bytes_total: 'counter',
  bi_perf_system_disk_busy_ratio: 'gauge',
  bi_perf_system_network_receive_bytes_total: 'counter',
  bi_perf_system_network_transmit_bytes_total: 'counter',
  bi_perf_process_resident_memory_bytes: 'gauge',
  bi_perf_process_heap_used_bytes: 'gauge',
  bi_perf_process_heap_total_bytes: 'gauge',
  bi_perf_process_heap_limit_bytes: 'gauge',
  bi_perf_process_external_memory_bytes: 'gauge',
  bi_perf_process_array_buffers_bytes: 'gauge',
  bi_perf_process_cpu_usage_ratio: 'gauge',
  bi_perf_process_active_resources: 'gauge',
  bi_perf_process_uptime_seconds: 'gauge',
  bi_perf_eventloop_delay_min_seconds: 'gauge',
  bi_perf_eventloop_delay_mean_seconds: 'gauge',
  bi_perf_eventloop_delay_p50_seconds: 'gauge',
  bi_perf_eventloop_delay_p90_seconds: 'gauge',
  bi_perf_eventloop_delay_p99_seconds: 'gauge',
  bi_perf_eventloop_delay_max_seconds: 'gauge',
  bi_perf_eventloop_utilization_ratio: 'gauge',
  bi_perf_monitor_cpu_usage_ratio: 'gauge',
  bi_perf_monitor_collect_duration_seconds: 'gauge',
  bi_perf_monitor_samples_total: 'counter',
  bi_perf_monitor_skipped_total: 'counter',
  bi_perf_monitor_collector_errors_total: 'counter',
  bi_perf_alert_firing: 'gauge',
}

const monitors: Monitor[] = []
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()))
})

describe('registerPrometheus', () => {
  it('exposes live figures as valid Prometheus text beside prom-client defaults', async () => {
    const monitor = createMonitor({ interval: 100 }).start()
    monitors.push(monitor)
    await waitForValue(() => monitor.latest(), { what: 'a first sample', timeoutMs: 15_000 })
    await monitor.stop()
    const snapshot = monitor.latest()!
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    monitor.registerPrometheus(registry)

    const families = parseExposition(await registry.metrics())
    expect(families.has('process_cpu_user_seconds_total')).toBe(true)
    expect(families.has('nodejs_eventloop_lag_p99_seconds')).toBe(true)

    const ours = [...families.keys()].filter((name) => name.startsWith('bi_perf_'))
    expect(Object.fromEntries(ours.map((name) => [name, families.get(name)!.type]))).toEqual(
      EXPECTED_TYPES,
    )
    for (const name of ours) {
      const family = families.get(name)!
      expect(family.help.length, name).toBeGreaterThan(0)
      // Units in the name: base units, ratios 0-1, counters end in _total.
      if (family.type === 'counter') expect(name).toMatch(/_total$/)
      else expect(name).toMatch(/_(bytes|seconds|ratio|resources|firing)$|_load(1|5|15)$/)
    }

    expect(value(families, 'bi_perf_system_memory_total_bytes')).toBe(snapshot.memory!.total)
    expect(value(families, 'bi_perf_system_cpu_usage_ratio')).toBeCloseTo(
      snapshot.cpu!.total / 100,
      6,
    )
    expect(value(families, 'bi_perf_system_cpu_core_usage_ratio', { core: '0' })).toBeCloseTo(
      snapshot.cpu!.cores[0]! / 100,
      6,
    )
    expect(value(families, 'bi_perf_system_filesystem_size_bytes', { mount: '/' })).toBe(
      snapshot.filesystems!.entries.find((entry) => entry.mount === '/')!.size,
    )
    expect(value(families, 'bi_perf_process_heap_limit_bytes')).toBe(
      getHeapStatistics().heap_size_limit,
    )
    expect(value(families, 'bi_perf_process_resident_memory_bytes')).toBe(snapshot.process!.rss)
    expect(value(families, 'bi_perf_eventloop_delay_p99_seconds')).toBeCloseTo(
      snapshot.eventLoop!.delay.p99 / 1000,
      6,
    )
    expect(value(families, 'bi_perf_eventloop_utilization_ratio')).toBeCloseTo(
      snapshot.eventLoop!.utilization / 100,
      6,
    )
    const device = snapshot.disk!.devices[0]!
    expect(value(families, 'bi_perf_system_disk_read_bytes_total', { device: device.name })).toBe(
      device.readBytes,
    )
    expect(value(families, 'bi_perf_monitor_samples_total')).toBe(snapshot.monitor.samples)
  })

  it('maps an ingested snapshot exactly, with ratios and seconds converted', async () => {
    const monitor = createMonitor()
    const registry = new Registry()
    monitor.registerPrometheus(registry)
    const base = snapshotAt(1_795_000_000_000)
    monitor.ingest({
      ...base,
      cpu: { ...base.cpu!, total: 42.5, cores: [40, 45] },
      eventLoop: { ...base.eventLoop!, delay: { ...base.eventLoop!.delay, p99: 12.5 } },
      process: { ...base.process!, activeResourcesByType: { TCPSocketWrap: 3, Timeout: 1 } },
    })
    const families = parseExposition(await registry.metrics())
    expect(value(families, 'bi_perf_system_cpu_usage_ratio')).toBe(0.425)
    expect(value(families, 'bi_perf_system_cpu_core_usage_ratio', { core: '1' })).toBe(0.45)
    expect(value(families, 'bi_perf_eventloop_delay_p99_seconds')).toBe(0.0125)
    expect(value(families, 'bi_perf_system_filesystem_usage_ratio', { mount: '/' })).toBe(0.4)
    expect(value(families, 'bi_perf_process_active_resources', { type: 'TCPSocketWrap' })).toBe(3)
  })

  it('shows NaN, not a false zero, before the first sample and for a failed section', async () => {
    const monitor = createMonitor()
    const registry = new Registry()
    monitor.registerPrometheus(registry)
    expect(
      value(parseExposition(await registry.metrics()), 'bi_perf_system_memory_total_bytes'),
    ).toBeNaN()
    monitor.ingest({ ...snapshotAt(1_795_000_000_000), memory: null })
    const families = parseExposition(await registry.metrics())
    expect(value(families, 'bi_perf_system_memory_used_bytes')).toBeNaN()
    expect(value(families, 'bi_perf_process_resident_memory_bytes')).toBe(100e6)
  })

  it('exposes firing alerts', async () => {
    const monitor = createMonitor()
    const registry = new Registry()
    monitor.registerPrometheus(registry)
    const T0 = 1_795_000_000_000
    for (let second = 0; second <= 30; second++) {
      const base = snapshotAt(T0 + second * 1000)
      monitor.ingest({ ...base, cpu: { ...base.cpu!, total: 99 } })
    }
    const families = parseExposition(await registry.metrics())
    expect(
      value(families, 'bi_perf_alert_firing', {
        rule: 'cpu-critical',
        metric: 'cpu.total',
        severity: 'critical',
      }),
    ).toBe(1)
    expect(families.get('bi_perf_alert_firing')!.samples).toHaveLength(2)
  })

  it('refuses a second registration on one registry until the first is removed', async () => {
    const monitor = createMonitor()
    const registry = new Registry()
    const unregister = monitor.registerPrometheus(registry)
    expect(() => monitor.registerPrometheus(registry)).toThrow(AlreadyRegisteredError)
    unregister()
    const text = await registry.metrics()
    expect(text).not.toContain('bi_perf_')
    monitor.registerPrometheus(registry)
    expect(await registry.metrics()).toContain('bi_perf_system_cpu_usage_ratio')
  })
})
