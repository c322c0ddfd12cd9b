import { fileURLToPath } from 'node:url'
import type { MonitorSnapshot } from '@bi-perf/monitor'
import { runProcess, type ProcessResult } from '@bi-perf/test-services'

/** A complete snapshot with quiet figures; `overrides` replaces whole sections. */
export function snapshotAt(
  timestamp: number,
  overrides: Partial<Omit<MonitorSnapshot, 'timestamp'>> = {},
): MonitorSnapshot {
  return {
    timestamp,
    elapsedMs: 1000,
    source: 'proc',
    cpu: { total: 10, user: 8, system: 2, iowait: 0, steal: 0, cores: [10, 10] },
    load: { avg1: 0.2, avg5: 0.1, avg15: 0.1 },
    memory: {
      total: 8e9,
      used: 2e9,
      available: 6e9,
      free: 4e9,
      usedPercent: 25,
      swapTotal: 0,
      swapUsed: 0,
      swapUsedPercent: 0,
    },
    filesystems: {
      sampledAt: timestamp,
      entries: [
        {
          mount: '/',
          device: '/dev/vda1',
          type: 'ext4',
          size: 100e9,
          used: 40e9,
          available: 60e9,
          usedPercent: 40,
        },
      ],
    },
    disk: {
      readBytesPerSec: 0,
      writeBytesPerSec: 0,
      readsPerSec: 0,
      writesPerSec: 0,
      readBytes: 0,
      writeBytes: 0,
      devices: [],
    },
    network: { rxBytesPerSec: 0, txBytesPerSec: 0, rxBytes: 0, txBytes: 0, interfaces: [] },
    process: {
      pid: 1,
      rss: 100e6,
      heap: { used: 20e6, total: 40e6, limit: 4e9 },
      external: 1e6,
      arrayBuffers: 1e5,
      cpu: { total: 1, user: 1, system: 0 },
      activeResources: 2,
      activeResourcesByType: { Timeout: 2 },
      uptime: 10,
    },
    eventLoop: {
      delay: { min: 0, mean: 0.1, p50: 0.1, p90: 0.2, p99: 0.3, max: 0.5 },
      utilization: 1,
      resolutionMs: 20,
    },
    monitor: { cpuPercent: 0.05, collectMs: 0.5, samples: 1, skipped: 0, errors: 0 },
    errors: [],
    ...overrides,
  }
}

/** Runs a fixture script with tsx, the package resolved to its source; kills it after `timeoutMs`. */
export function runFixture(
  name: string,
  args: string[] = [],
  timeoutMs = 30_000,
): Promise<ProcessResult> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  return runProcess(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', script, ...args],
    { timeoutMs },
  )
}
