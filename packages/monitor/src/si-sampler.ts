import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import type * as SystemInformationModule from 'systeminformation'
import { round2 } from './proc-parsers.js'
import { messageOf, type SystemSample, type SystemSampler } from './system-sampler.js'
import type { CollectorError, FilesystemUsage, NetworkInterfaceIo } from './types.js'

type SystemInformation = typeof SystemInformationModule

let systemInformation: SystemInformation | undefined

/**
 * systeminformation, loaded on first use (by `info()` or the fallback source): it is a large
 * CommonJS module that takes about 50 ms to load, which most users of the monitor never need.
 */
export function loadSystemInformation(): SystemInformation {
  systemInformation ??= createRequire(import.meta.url)('systeminformation') as SystemInformation
  return systemInformation
}

/**
 * System figures through systeminformation, for platforms without `/proc`. Its calls keep their
 * own baselines for rates (the first reading of each has none, reported as 0).
 */
export class SystemInformationSampler implements SystemSampler {
  readonly kind = 'systeminformation'
  readonly #watched: readonly string[] | undefined

  constructor(filesystems?: readonly string[]) {
    this.#watched = filesystems
  }

  async sample(errors: CollectorError[]): Promise<SystemSample> {
    const si = loadSystemInformation()
    const [load, mem, fsStats, disksIO, network] = await Promise.allSettled([
      si.currentLoad(),
      si.mem(),
      si.fsStats(),
      si.disksIO(),
      si.networkStats('*'),
    ])
    const result: SystemSample = { cpu: null, load: null, memory: null, disk: null, network: null }
    if (load.status === 'fulfilled') {
      const cpu = load.value
      result.cpu = {
        total: round2(cpu.currentLoad),
        user: round2(cpu.currentLoadUser + cpu.currentLoadNice),
        system: round2(cpu.currentLoadSystem + cpu.currentLoadIrq),
        iowait: 0,
        steal: round2(cpu.currentLoadSteal),
        cores: cpu.cpus.map((core) => round2(core.load)),
      }
    } else errors.push({ collector: 'cpu', message: messageOf(load.reason) })

    const [avg1 = 0, avg5 = 0, avg15 = 0] = loadavg()
    result.load = { avg1: round2(avg1), avg5: round2(avg5), avg15: round2(avg15) }

    if (mem.status === 'fulfilled') {
      const memory = mem.value
      const used = Math.max(0, memory.total - memory.available)
      result.memory = {
        total: memory.total,
        used,
        available: memory.available,
        free: memory.free,
        usedPercent: memory.total > 0 ? round2((used / memory.total) * 100) : 0,
        swapTotal: memory.swaptotal,
        swapUsed: memory.swapused,
        swapUsedPercent:
          memory.swaptotal > 0 ? round2((memory.swapused / memory.swaptotal) * 100) : 0,
      }
    } else errors.push({ collector: 'memory', message: messageOf(mem.reason) })

    if (fsStats.status === 'fulfilled' && fsStats.value && disksIO.status === 'fulfilled') {
      const bytes = fsStats.value
      const io = disksIO.value
      result.disk = {
        readBytesPerSec: rate(bytes.rx_sec),
        writeBytesPerSec: rate(bytes.wx_sec),
        readsPerSec: rate(io?.rIO_sec),
        writesPerSec: rate(io?.wIO_sec),
        readBytes: bytes.rx,
        writeBytes: bytes.wx,
        devices: [],
      }
    } else {
      const reason: unknown =
        fsStats.status === 'rejected'
          ? fsStats.reason
          : disksIO.status === 'rejected'
            ? disksIO.reason
            : 'disk statistics are not available on this platform'
      errors.push({ collector: 'disk', message: messageOf(reason) })
    }

    if (network.status === 'fulfilled') {
      const interfaces: NetworkInterfaceIo[] = network.value
        .filter((entry) => !entry.iface.startsWith('lo'))
        .map((entry) => ({
          name: entry.iface,
          rxBytesPerSec: rate(entry.rx_sec),
          txBytesPerSec: rate(entry.tx_sec),
          rxBytes: entry.rx_bytes,
          txBytes: entry.tx_bytes,
        }))
      result.network = {
        rxBytesPerSec: round2(interfaces.reduce((sum, entry) => sum + entry.rxBytesPerSec, 0)),
        txBytesPerSec: round2(interfaces.reduce((sum, entry) => sum + entry.txBytesPerSec, 0)),
        rxBytes: interfaces.reduce((sum, entry) => sum + entry.rxBytes, 0),
        txBytes: interfaces.reduce((sum, entry) => sum + entry.txBytes, 0),
        interfaces,
      }
    } else errors.push({ collector: 'network', message: messageOf(network.reason) })
    return result
  }

  async filesystems(errors: CollectorError[]): Promise<FilesystemUsage[] | null> {
    try {
      const si = loadSystemInformation()
      const sizes = await si.fsSize()
      const watched = this.#watched
      return sizes
        .filter((entry) => (watched ? watched.includes(entry.mount) : entry.size > 0))
        .map((entry) => ({
          mount: entry.mount,
          device: entry.fs,
          type: entry.type,
          size: entry.size,
          used: entry.used,
          available: entry.available,
          usedPercent:
            entry.used + entry.available > 0
              ? round2((entry.used / (entry.used + entry.available)) * 100)
              : 0,
        }))
    } catch (error) {
      errors.push({ collector: 'filesystems', message: messageOf(error) })
      return null
    }
  }

  close(): Promise<void> {
    // systeminformation keeps no handles between calls.
    return Promise.resolve()
  }
}

function rate(value: number | null | undefined): number {
  return typeof value === 'number' && value > 0 ? round2(value) : 0
}
