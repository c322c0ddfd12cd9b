import { createRequire } from 'node:module'
import type * as PromClientModule from 'prom-client'
import type { Counter, Gauge, Registry } from 'prom-client'
import { AlreadyRegisteredError, MissingPeerError } from './errors.js'
import type { AlertEvent, MonitorSnapshot, Unregister } from './types.js'

type PromClient = typeof PromClientModule

/** Sets one value; `labels` for metrics with labels. */
type Setter = (value: number, labels?: Record<string, string>) => void

/** One exported metric and how to read it from a snapshot. */
interface MetricDefinition {
  name: string
  help: string
  type: 'gauge' | 'counter'
  labels?: readonly string[]
  /** Reads the snapshot; a missing section reads nothing (label-less gauges then show NaN). */
  read: (snapshot: MonitorSnapshot, set: Setter) => void
}

// Snapshot shares carry two decimals; six keep ratios exact without float noise (0.5641, not
// 0.5640999999999999).
const ratio = (percent: number) => Math.round(percent * 1e4) / 1e6
const seconds = (ms: number) => Math.round(ms * 1e3) / 1e6

/** Every metric `registerPrometheus` adds, with conventional names and base units. */
export const PROMETHEUS_METRICS: readonly MetricDefinition[] = [
  gauge('bi_perf_system_cpu_usage_ratio', 'Busy share of all CPUs (0-1).', (s, set) => {
    if (s.cpu) set(ratio(s.cpu.total))
  }),
  {
    name: 'bi_perf_system_cpu_mode_ratio',
    help: 'Share of all CPUs by mode (0-1).',
    type: 'gauge',
    labels: ['mode'],
    read: (s, set) => {
      if (!s.cpu) return
      for (const mode of ['user', 'system', 'iowait', 'steal'] as const) {
        set(ratio(s.cpu[mode]), { mode })
      }
    },
  },
  {
    name: 'bi_perf_system_cpu_core_usage_ratio',
    help: 'Busy share of each CPU core (0-1).',
    type: 'gauge',
    labels: ['core'],
    read: (s, set) => s.cpu?.cores.forEach((busy, core) => set(ratio(busy), { core: `${core}` })),
  },
  gauge('bi_perf_system_load1', '1-minute load average.', (s, set) => {
    if (s.load) set(s.load.avg1)
  }),
  gauge('bi_perf_system_load5', '5-minute load average.', (s, set) => {
    if (s.load) set(s.load.avg5)
  }),
  gauge('bi_perf_system_load15', '15-minute load average.', (s, set) => {
    if (s.load) set(s.load.avg15)
  }),
  gauge('bi_perf_system_memory_total_bytes', 'Physical memory.', (s, set) => {
    if (s.memory) set(s.memory.total)
  }),
  gauge('bi_perf_system_memory_used_bytes', 'Memory in use (total - available).', (s, set) => {
    if (s.memory) set(s.memory.used)
  }),
  gauge(
    'bi_perf_system_memory_available_bytes',
    'Memory available to new work (MemAvailable).',
    (s, set) => {
      if (s.memory) set(s.memory.available)
    },
  ),
  gauge('bi_perf_system_memory_free_bytes', 'Unused memory (MemFree).', (s, set) => {
    if (s.memory) set(s.memory.free)
  }),
  gauge('bi_perf_system_memory_usage_ratio', 'Used share of physical memory (0-1).', (s, set) => {
    if (s.memory) set(ratio(s.memory.usedPercent))
  }),
  gauge('bi_perf_system_swap_total_bytes', 'Swap space.', (s, set) => {
    if (s.memory) set(s.memory.swapTotal)
  }),
  gauge('bi_perf_system_swap_used_bytes', 'Swap in use.', (s, set) => {
    if (s.memory) set(s.memory.swapUsed)
  }),
  ...(
    [
      ['size_bytes', 'Size of the filesystem.', 'size'],
      ['used_bytes', 'Used space of the filesystem.', 'used'],
      ['available_bytes', 'Space an unprivileged user can still write.', 'available'],
    ] as const
  ).map(([suffix, help, field]): MetricDefinition => ({
    name: `bi_perf_system_filesystem_${suffix}`,
    help,
    type: 'gauge',
    labels: ['mount', 'device', 'type'],
    read: (s, set) =>
      s.filesystems?.entries.forEach((entry) =>
        set(entry[field], { mount: entry.mount, device: entry.device, type: entry.type }),
      ),
  })),
  {
    name: 'bi_perf_system_filesystem_usage_ratio',
    help: 'Used share of the filesystem, as df computes it (0-1).',
    type: 'gauge',
    labels: ['mount', 'device', 'type'],
    read: (s, set) =>
      s.filesystems?.entries.forEach((entry) =>
        set(ratio(entry.usedPercent), {
          mount: entry.mount,
          device: entry.device,
          type: entry.type,
        }),
      ),
  },
  {
    name: 'bi_perf_system_disk_read_bytes_total',
    help: 'Bytes read from the physical disk since boot.',
    type: 'counter',
    labels: ['device'],
    read: (s, set) => s.disk?.devices.forEach((d) => set(d.readBytes, { device: d.name })),
  },
  {
    name: 'bi_perf_system_disk_written_bytes_total',
    help: 'Bytes written to the physical disk since boot.',
    type: 'counter',
    labels: ['device'],
    read: (s, set) => s.disk?.devices.forEach((d) => set(d.writeBytes, { device: d.name })),
  },
  {
    name: 'bi_perf_system_disk_busy_ratio',
    help: 'Share of the last interval the disk had I/O in flight (0-1).',
    type: 'gauge',
    labels: ['device'],
    read: (s, set) => s.disk?.devices.forEach((d) => set(ratio(d.busyPercent), { device: d.name })),
  },
  {
    name: 'bi_perf_system_network_receive_bytes_total',
    help: 'Bytes received by the interface since boot.',
    type: 'counter',
    labels: ['interface'],
    read: (s, set) => s.network?.interfaces.forEach((i) => set(i.rxBytes, { interface: i.name })),
  },
  {
    name: 'bi_perf_system_network_transmit_bytes_total',
    help: 'Bytes sent by the interface since boot.',
    type: 'counter',
    labels: ['interface'],
    read: (s, set) => s.network?.interfaces.forEach((i) => set(i.txBytes, { interface: i.name })),
  },
  gauge('bi_perf_process_resident_memory_bytes', 'Resident set size.', (s, set) => {
    if (s.process) set(s.process.rss)
  }),
  gauge('bi_perf_process_heap_used_bytes', 'V8 heap in use.', (s, set) => {
    if (s.process) set(s.process.heap.used)
  }),
  gauge('bi_perf_process_heap_total_bytes', 'V8 heap reserved.', (s, set) => {
    if (s.process) set(s.process.heap.total)
  }),
  gauge('bi_perf_process_heap_limit_bytes', 'V8 heap size limit.', (s, set) => {
    if (s.process) set(s.process.heap.limit)
  }),
  gauge(
    'bi_perf_process_external_memory_bytes',
    'Memory of C++ objects bound to JavaScript objects.',
    (s, set) => {
      if (s.process) set(s.process.external)
    },
  ),
  gauge('bi_perf_process_array_buffers_bytes', 'Memory of ArrayBuffers and Buffers.', (s, set) => {
    if (s.process) set(s.process.arrayBuffers)
  }),
  gauge(
    'bi_perf_process_cpu_usage_ratio',
    'CPU time of this process over the last interval, in cores (0-1 per core).',
    (s, set) => {
      if (s.process) set(ratio(s.process.cpu.total))
    },
  ),
  {
    name: 'bi_perf_process_active_resources',
    help: 'Handles, requests and timers keeping the event loop alive, by type.',
    type: 'gauge',
    labels: ['type'],
    read: (s, set) => {
      if (!s.process) return
      for (const [type, count] of Object.entries(s.process.activeResourcesByType)) {
        set(count, { type })
      }
    },
  },
  gauge('bi_perf_process_uptime_seconds', 'Seconds since the process started.', (s, set) => {
    if (s.process) set(s.process.uptime)
  }),
  ...(['min', 'mean', 'p50', 'p90', 'p99', 'max'] as const).map((stat) =>
    gauge(
      `bi_perf_eventloop_delay_${stat}_seconds`,
      `Event-loop delay over the last interval, ${stat}, with the histogram resolution taken out.`,
      (s, set) => {
        if (s.eventLoop) set(seconds(s.eventLoop.delay[stat]))
      },
    ),
  ),
  gauge(
    'bi_perf_eventloop_utilization_ratio',
    'Share of the last interval the event loop was busy (0-1).',
    (s, set) => {
      if (s.eventLoop) set(ratio(s.eventLoop.utilization))
    },
  ),
  gauge(
    'bi_perf_monitor_cpu_usage_ratio',
    "The monitor's own CPU time over the last interval (0-1 of one core).",
    (s, set) => set(ratio(s.monitor.cpuPercent)),
  ),
  gauge('bi_perf_monitor_collect_duration_seconds', 'Wall time of the last collection.', (s, set) =>
    set(seconds(s.monitor.collectMs)),
  ),
  {
    name: 'bi_perf_monitor_samples_total',
    help: 'Samples taken since the monitor started.',
    type: 'counter',
    read: (s, set) => set(s.monitor.samples),
  },
  {
    name: 'bi_perf_monitor_skipped_total',
    help: 'Ticks skipped because a collection was still running.',
    type: 'counter',
    read: (s, set) => set(s.monitor.skipped),
  },
  {
    name: 'bi_perf_monitor_collector_errors_total',
    help: 'Collector failures since the monitor started.',
    type: 'counter',
    read: (s, set) => set(s.monitor.errors),
  },
]

/** Alerts are not part of a snapshot; this one reads the alert engine. */
const ALERTS_METRIC = 'bi_perf_alert_firing'

function gauge(
  name: string,
  help: string,
  read: (snapshot: MonitorSnapshot, set: Setter) => void,
): MetricDefinition {
  return { name, help, type: 'gauge', read }
}

let promClient: PromClient | undefined

/** prom-client is an optional peer: loaded on the first `registerPrometheus` call only. */
function loadPromClient(): PromClient {
  if (!promClient) {
    try {
      promClient = createRequire(import.meta.url)('prom-client') as PromClient
    } catch (error) {
      throw new MissingPeerError('prom-client', { cause: error })
    }
  }
  return promClient
}

/**
 * Adds every metric to `registry`, each reading the latest snapshot when the registry is
 * collected (a scrape costs a walk over one object, never a collection).
 */
export function registerPrometheus(
  registry: Registry,
  latest: () => MonitorSnapshot | undefined,
  alerts: () => AlertEvent[],
): Unregister {
  const client = loadPromClient()
  const names = [...PROMETHEUS_METRICS.map((definition) => definition.name), ALERTS_METRIC]
  const taken = names.find((name) => registry.getSingleMetric(name) !== undefined)
  if (taken) {
    throw new AlreadyRegisteredError(taken)
  }
  for (const definition of PROMETHEUS_METRICS) {
    const labelNames = [...(definition.labels ?? [])]
    if (definition.type === 'gauge') {
      new client.Gauge({
        name: definition.name,
        help: definition.help,
        labelNames,
        registers: [registry],
        collect(this: Gauge) {
          this.reset()
          const snapshot = latest()
          if (!snapshot) {
            if (labelNames.length === 0) this.set(Number.NaN)
            return
          }
          let wrote = false
          definition.read(snapshot, (value, labels) => {
            wrote = true
            if (labels) this.set(labels, value)
            else this.set(value)
          })
          // A label-less gauge whose section is missing shows NaN rather than a false 0.
          if (!wrote && labelNames.length === 0) this.set(Number.NaN)
        },
      })
    } else {
      new client.Counter({
        name: definition.name,
        help: definition.help,
        labelNames,
        registers: [registry],
        collect(this: Counter) {
          // Counters mirror kernel and monitor totals: reset, then set to the current total.
          this.reset()
          const snapshot = latest()
          if (!snapshot) return
          definition.read(snapshot, (value, labels) => {
            if (labels) this.inc(labels, value)
            else this.inc(value)
          })
        },
      })
    }
  }
  new client.Gauge({
    name: ALERTS_METRIC,
    help: 'Alerts firing now (1 per rule and metric).',
    labelNames: ['rule', 'metric', 'severity'],
    registers: [registry],
    collect(this: Gauge) {
      this.reset()
      for (const alert of alerts()) {
        this.set({ rule: alert.rule, metric: alert.metric, severity: alert.severity }, 1)
      }
    },
  })
  return () => {
    for (const name of names) registry.removeSingleMetric(name)
  }
}
