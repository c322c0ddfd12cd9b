import type { EventEmitter } from 'node:events'
import type { Registry } from 'prom-client'
import type { Duration } from './duration.js'

export type { Duration } from './duration.js'

/**
 * Where system figures come from.
 * - `proc`: asynchronous reads of `/proc` and `fs.statfs` (Linux). Never blocks the event loop.
 * - `systeminformation`: the systeminformation library, for platforms without `/proc`. Some of its
 *   calls run shell commands synchronously (they block the loop for milliseconds), so it is only
 *   the fallback.
 * - `auto`: `proc` where `/proc/stat` is readable, otherwise `systeminformation`.
 */
export type SystemSource = 'auto' | 'proc' | 'systeminformation'

/** Severity of an alert rule. */
export type AlertSeverity = 'warning' | 'critical'

/**
 * One alert rule: fires when `metric` stays beyond the threshold for `for`, clears when it comes
 * back past `clearAt` (hysteresis) for `clearFor`. Give exactly one of `above` and `below`.
 *
 * @example
 * // CPU above 85 % for 30 s raises a warning, which clears once CPU is below 75 %.
 * const rule: AlertRuleOptions = { metric: 'cpu.total', above: 85, for: '30s', clearAt: 75 }
 */
export interface AlertRuleOptions {
  /**
   * A metric name from {@link Monitor.metrics}, e.g. `cpu.total` or `eventLoop.delay.p99`. A `*`
   * matches any run of characters, so `fs.*.usedPercent` watches every filesystem, each with its
   * own alert state.
   */
  metric: string
  /** Fire when the value is greater than this. */
  above?: number
  /** Fire when the value is less than this. */
  below?: number
  /**
   * How long the threshold must be crossed, without interruption, before the alert fires.
   * @default 0 (the first sample beyond the threshold)
   */
  for?: Duration
  /**
   * The value the metric must come back past for the alert to clear: below it for an `above`
   * rule, above it for a `below` rule. A gap between the two thresholds is what stops an alert
   * from flapping around one value.
   * @default the threshold itself (no hysteresis)
   */
  clearAt?: number
  /**
   * How long the metric must stay past `clearAt` before the alert clears.
   * @default 0 (the first sample past `clearAt`)
   */
  clearFor?: Duration
  /** @default 'warning' */
  severity?: AlertSeverity
}

/** Options of {@link createMonitor}. Every field is optional. */
export interface MonitorOptions {
  /**
   * How often a sample is taken (milliseconds or a duration string), at least 10 ms.
   * @default '1s'
   */
  interval?: Duration
  /**
   * How far back the history rings reach. Each metric keeps `history / interval` samples in a
   * fixed-size ring (16 bytes a sample), at most 1,000,000.
   * @default '10m'
   */
  history?: Duration
  /**
   * How often filesystem sizes are read (`fs.statfs` per filesystem), the costlier figure; the
   * snapshots in between carry the last reading. Raised to `interval` if smaller.
   * @default '10s'
   */
  filesystemInterval?: Duration
  /**
   * Mount points whose sizes are reported.
   * @default every real filesystem in `/proc/mounts` (pseudo and memory filesystems left out,
   *   one mount point per device)
   */
  filesystems?: readonly string[]
  /**
   * Resolution of the `monitorEventLoopDelay` histogram, in milliseconds. The histogram wakes the
   * loop once per resolution period, the largest part of an idle monitor's cost: Node's 10 ms
   * default costs about 0.5 % of a core on an idle process, 20 ms about 0.33 %, 50 ms about
   * 0.14 %. At 50 ms a stall of _d_ ms always shows as at least _d_ − 50 ms of delay (a 150 ms
   * stall as ≥ 100 ms), and stalls shorter than 50 ms only when they straddle a tick; set 10–20
   * for finer delay percentiles at a higher cost.
   * @default 50
   */
  eventLoopResolution?: Duration
  /**
   * Alert rules by name. They are merged over the defaults (see the README): a rule with the name
   * of a default replaces it, `false` turns a default off, other names add rules.
   * @default {}
   */
  thresholds?: Readonly<Record<string, AlertRuleOptions | false>>
  /**
   * Start from the default rules for CPU, memory, disk and event-loop delay.
   * @default true
   */
  defaultThresholds?: boolean
  /** @default 'auto' */
  source?: SystemSource
}

/** Percent of time the CPUs spent in each state since the previous sample (0–100). */
export interface CpuStats {
  /** Busy share over all cores: everything but idle and iowait. */
  total: number
  user: number
  system: number
  iowait: number
  /** Time a hypervisor gave to other guests. */
  steal: number
  /** Busy share of each core, in core order. */
  cores: number[]
}

/** Load averages (runnable and uninterruptible tasks) over 1, 5 and 15 minutes. */
export interface LoadStats {
  avg1: number
  avg5: number
  avg15: number
}

/** Physical memory and swap, in bytes. */
export interface MemoryStats {
  total: number
  /** `total - available`: what the system cannot hand out without swapping. */
  used: number
  /** `MemAvailable`: free plus reclaimable page cache, what new work can use. */
  available: number
  /** Entirely unused memory (`MemFree`). */
  free: number
  /** `used / total` in percent. */
  usedPercent: number
  swapTotal: number
  swapUsed: number
  /** `swapUsed / swapTotal` in percent, 0 without swap. */
  swapUsedPercent: number
}

/** Size and use of one mounted filesystem, in bytes. */
export interface FilesystemUsage {
  /** Mount point, e.g. `/`. */
  mount: string
  /** Device, e.g. `/dev/vda1`. */
  device: string
  /** Filesystem type, e.g. `ext4`. */
  type: string
  size: number
  used: number
  /** Space an unprivileged user can still write. */
  available: number
  /** `used / (used + available)` in percent, as `df` computes it. */
  usedPercent: number
}

/** The filesystem reading carried by a snapshot (taken every `filesystemInterval`). */
export interface FilesystemStats {
  /** When the sizes were read, in milliseconds since the epoch. */
  sampledAt: number
  entries: FilesystemUsage[]
}

/** I/O of one block device. */
export interface DiskDeviceIo {
  /** Kernel name, e.g. `vda`, `nvme0n1`. */
  name: string
  readBytesPerSec: number
  writeBytesPerSec: number
  /** Share of the time the device had I/O in flight, in percent. */
  busyPercent: number
  /** Bytes read and written since boot. */
  readBytes: number
  writeBytes: number
}

/** Block-device I/O, summed over physical disks (partitions and virtual devices left out). */
export interface DiskIoStats {
  readBytesPerSec: number
  writeBytesPerSec: number
  /** Completed read and write requests per second. */
  readsPerSec: number
  writesPerSec: number
  /** Bytes read and written since boot (counters). */
  readBytes: number
  writeBytes: number
  devices: DiskDeviceIo[]
}

/** Traffic of one network interface. */
export interface NetworkInterfaceIo {
  name: string
  rxBytesPerSec: number
  txBytesPerSec: number
  /** Bytes received and sent since boot. */
  rxBytes: number
  txBytes: number
}

/** Network traffic summed over every interface but loopback. */
export interface NetworkStats {
  rxBytesPerSec: number
  txBytesPerSec: number
  /** Bytes received and sent since boot (counters). */
  rxBytes: number
  txBytes: number
  interfaces: NetworkInterfaceIo[]
}

/** This Node.js process. Sizes in bytes. */
export interface ProcessStats {
  pid: number
  /** Resident set size. */
  rss: number
  heap: {
    /** V8 heap in use. */
    used: number
    /** V8 heap reserved. */
    total: number
    /** The heap limit (`--max-old-space-size`), from `v8.getHeapStatistics()`. */
    limit: number
  }
  /** Memory of C++ objects bound to JavaScript objects, Buffers included. */
  external: number
  /** Memory of `ArrayBuffer`s and `SharedArrayBuffer`s, Buffers included (part of `external`). */
  arrayBuffers: number
  /** CPU time of the process since the previous sample, in percent of one core (threads add up). */
  cpu: {
    total: number
    user: number
    system: number
  }
  /** Handles, requests and timers keeping the loop alive (`process.getActiveResourcesInfo()`). */
  activeResources: number
  /** The same, counted by type, e.g. `{ TCPSocketWrap: 3, Timeout: 2 }`. */
  activeResourcesByType: Record<string, number>
  /** Seconds since the process started. */
  uptime: number
}

/** The event loop since the previous sample. */
export interface EventLoopStats {
  /**
   * How late timers ran, in milliseconds: what `monitorEventLoopDelay` recorded minus its
   * resolution (the histogram records whole intervals, so prom-client's lag figures include the
   * 10 ms resolution even on an idle loop).
   */
  delay: {
    min: number
    mean: number
    p50: number
    p90: number
    p99: number
    max: number
  }
  /** Share of the time the loop was busy rather than waiting for I/O, in percent. */
  utilization: number
  /** Resolution the delay histogram runs at, in milliseconds. */
  resolutionMs: number
}

/** The monitor's own cost and state. */
export interface MonitorSelfStats {
  /**
   * CPU time used while collections were in flight, in percent of one core over the last
   * interval. In an idle process this is the monitor's own cost; in a busy one it is an upper
   * bound, as work of the application that ran during a collection counts too.
   */
  cpuPercent: number
  /** Wall time the last collection took, in milliseconds (mostly waiting for reads). */
  collectMs: number
  /** Samples taken since `start()`. */
  samples: number
  /** Ticks skipped because the previous collection was still running. */
  skipped: number
  /** Collector failures since `start()`. */
  errors: number
}

/** Which part of a collection failed. */
export type CollectorName =
  'cpu' | 'load' | 'memory' | 'filesystems' | 'disk' | 'network' | 'process' | 'eventLoop'

/** A collector that failed in a sample. The section it fills is `null` in that snapshot. */
export interface CollectorError {
  collector: CollectorName
  message: string
}

/**
 * One sample: a plain, serializable object. Shares are percentages (0–100), sizes bytes, times
 * milliseconds unless a field says otherwise; rates are per second over `elapsedMs`. A section
 * whose collector failed is `null` and the failure is listed in `errors`.
 */
export interface MonitorSnapshot {
  /** When the sample was taken, in milliseconds since the epoch. */
  timestamp: number
  /** Time since the previous sample, which rates and shares cover. */
  elapsedMs: number
  /** Where the system figures came from. */
  source: 'proc' | 'systeminformation'
  cpu: CpuStats | null
  load: LoadStats | null
  memory: MemoryStats | null
  filesystems: FilesystemStats | null
  disk: DiskIoStats | null
  network: NetworkStats | null
  process: ProcessStats | null
  eventLoop: EventLoopStats | null
  monitor: MonitorSelfStats
  errors: CollectorError[]
}

/** One point of a metric's history. */
export interface MetricPoint {
  /** Milliseconds since the epoch. */
  timestamp: number
  value: number
}

/** A metric over a window. */
export interface MetricSummary {
  /** Points in the window. */
  count: number
  min: number
  avg: number
  max: number
  /** 95th percentile (nearest rank). */
  p95: number
  /** The newest value. */
  last: number
  /** Least-squares slope in metric units per minute; 0 with fewer than two points. */
  trendPerMinute: number
}

/** An alert that fired or cleared. */
export interface AlertEvent {
  /** The rule's name (the key in `thresholds`). */
  rule: string
  /** The concrete metric, e.g. `fs./.usedPercent` for a rule on `fs.*.usedPercent`. */
  metric: string
  severity: AlertSeverity
  state: 'firing' | 'cleared'
  /** The value that fired or cleared the alert. */
  value: number
  /** `'above'` or `'below'`. */
  direction: 'above' | 'below'
  threshold: number
  clearAt: number
  /** When the metric first crossed the threshold (the start of `for`), ms since the epoch. */
  since: number
  /** When the alert fired. */
  firedAt: number
  /** When it cleared; `undefined` while firing. */
  clearedAt?: number
}

/** The machine the monitor runs on (static facts, read once through systeminformation). */
export interface SystemInfo {
  cpu: {
    manufacturer: string
    brand: string
    /** Logical cores. */
    cores: number
    physicalCores: number
    /** Base speed in GHz. */
    speedGHz: number
  }
  os: {
    platform: string
    distro: string
    release: string
    kernel: string
    arch: string
    hostname: string
  }
  /** Total physical memory in bytes. */
  memoryTotal: number
  nodeVersion: string
}

/** Events of a {@link Monitor}. */
export interface MonitorEvents {
  /** Every snapshot, collected or ingested. */
  sample: [snapshot: MonitorSnapshot]
  /** A rule fired. */
  alert: [alert: AlertEvent]
  /** A firing rule cleared. */
  'alert-cleared': [alert: AlertEvent]
}

/** Removes what `registerPrometheus` added to a registry. */
export type Unregister = () => void

/**
 * A resource monitor, an `EventEmitter` of {@link MonitorEvents}. Create it with
 * {@link createMonitor}; nothing runs until `start()`.
 */
export interface Monitor extends EventEmitter<MonitorEvents> {
  /** Starts sampling. Idempotent; may be called again after `stop()`. Returns the monitor. */
  start(): this
  /**
   * Stops the timer and the event-loop histogram, waits for a collection in flight and closes
   * the files the monitor keeps open. Idempotent. History and `latest()` stay readable.
   */
  stop(): Promise<void>
  /** Whether the monitor is sampling. */
  readonly running: boolean
  /** The last snapshot, or `undefined` before the first. A read, never a collection. */
  latest(): MonitorSnapshot | undefined
  /** Points of one metric, oldest first, over `window` back from the newest sample (default: all). */
  history(metric: string, window?: Duration): MetricPoint[]
  /** min / avg / max / p95 / last / trend of every metric over `window` (default: all). */
  summary(window?: Duration): Record<string, MetricSummary>
  /** Names of the metrics that have history, e.g. `cpu.total`, `fs./.usedPercent`. */
  metrics(): string[]
  /** Alerts firing now. */
  alerts(): AlertEvent[]
  /**
   * Records a snapshot as if it had been collected: history, alerts, `latest()` and the `sample`
   * event. For tests and replays; timestamps must not go backwards.
   */
  ingest(snapshot: MonitorSnapshot): void
  /** Static facts about the machine, read once (the first call costs tens of milliseconds). */
  info(): Promise<SystemInfo>
  /**
   * Adds gauges and counters (`bi_perf_…`) to a prom-client registry, read from the latest
   * snapshot whenever the registry is collected. Returns a function that removes them again.
   */
  registerPrometheus(registry: Registry): Unregister
}
