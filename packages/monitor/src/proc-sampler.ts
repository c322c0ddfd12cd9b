import { access, readdir, statfs } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { ProcFile } from './proc-file.js'
import {
  cpuPercentages,
  diskRates,
  filesystemUsage,
  networkRates,
  parseDiskstats,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
  round2,
  type DiskCounters,
  type InterfaceCounters,
  type MountEntry,
  type ProcStat,
} from './proc-parsers.js'
import { messageOf, type SystemSample, type SystemSampler } from './system-sampler.js'
import type { CollectorError, FilesystemUsage } from './types.js'

/** A reading and when it was taken (`performance.now()`), for rates against the next one. */
interface Reading<T> {
  value: T
  at: number
}

/**
 * System figures from `/proc` and `fs.statfs`: a sample is four positioned synchronous reads of
 * `/proc` files kept open (in-memory kernel text, see {@link ProcFile}) and a few string splits;
 * filesystem sizes (`statfs`, which can hang on a network mount) stay asynchronous.
 */
export class ProcSampler implements SystemSampler {
  readonly kind = 'proc'
  readonly #stat = new ProcFile('/proc/stat')
  readonly #meminfo = new ProcFile('/proc/meminfo')
  readonly #diskstats = new ProcFile('/proc/diskstats')
  readonly #netdev = new ProcFile('/proc/net/dev')
  readonly #mounts = new ProcFile('/proc/mounts')
  readonly #watched: readonly string[] | undefined
  #physicalDisks: Promise<Set<string>> | undefined
  #cpu: Reading<ProcStat> | undefined
  #disk: Reading<Map<string, DiskCounters>> | undefined
  #net: Reading<Map<string, InterfaceCounters>> | undefined

  /** `filesystems`: mount points to watch, or every real filesystem when `undefined`. */
  constructor(filesystems?: readonly string[]) {
    this.#watched = filesystems
  }

  async sample(errors: CollectorError[]): Promise<SystemSample> {
    this.#physicalDisks ??= physicalDisks()
    // Read once, and never rejects (an empty set on failure).
    const physical = await this.#physicalDisks
    // Four synchronous reads back to back (see ProcFile): tens of microseconds in all, and no
    // trip through the libuv pool.
    const stat = readText(this.#stat)
    const meminfo = readText(this.#meminfo)
    const diskstats = readText(this.#diskstats)
    const netdev = readText(this.#netdev)
    const at = performance.now()
    const result: SystemSample = { cpu: null, load: null, memory: null, disk: null, network: null }

    try {
      const current = parseProcStat(settled(stat))
      result.cpu = cpuPercentages(this.#cpu?.value ?? current, current)
      this.#cpu = { value: current, at }
    } catch (error) {
      errors.push({ collector: 'cpu', message: messageOf(error) })
    }
    try {
      // uv_loadavg is a sysinfo(2) call on Linux: no file, no blocking.
      const [avg1 = 0, avg5 = 0, avg15 = 0] = loadavg()
      result.load = { avg1: round2(avg1), avg5: round2(avg5), avg15: round2(avg15) }
    } catch (error) {
      errors.push({ collector: 'load', message: messageOf(error) })
    }
    try {
      result.memory = parseMeminfo(settled(meminfo))
    } catch (error) {
      errors.push({ collector: 'memory', message: messageOf(error) })
    }
    try {
      const current = parseDiskstats(settled(diskstats), physical)
      const previous = this.#disk ?? { value: current, at }
      result.disk = diskRates(previous.value, current, at - previous.at)
      this.#disk = { value: current, at }
    } catch (error) {
      errors.push({ collector: 'disk', message: messageOf(error) })
    }
    try {
      const current = parseNetDev(settled(netdev))
      const previous = this.#net ?? { value: current, at }
      result.network = networkRates(previous.value, current, at - previous.at)
      this.#net = { value: current, at }
    } catch (error) {
      errors.push({ collector: 'network', message: messageOf(error) })
    }
    return result
  }

  async filesystems(errors: CollectorError[]): Promise<FilesystemUsage[] | null> {
    let mounts: MountEntry[]
    try {
      mounts = parseMounts(this.#mounts.read())
    } catch (error) {
      errors.push({ collector: 'filesystems', message: messageOf(error) })
      return null
    }
    if (this.#watched) {
      const byMount = new Map(mounts.map((entry) => [entry.mount, entry]))
      mounts = this.#watched.map(
        (mount) => byMount.get(mount) ?? { mount, device: 'unknown', type: 'unknown' },
      )
    }
    const sizes = await Promise.allSettled(mounts.map((entry) => statfs(entry.mount)))
    const usage: FilesystemUsage[] = []
    sizes.forEach((size, index) => {
      const entry = mounts[index]!
      if (size.status === 'fulfilled') usage.push(filesystemUsage(entry, size.value))
      else {
        errors.push({
          collector: 'filesystems',
          message: `${entry.mount}: ${messageOf(size.reason)}`,
        })
      }
    })
    return usage
  }

  close(): Promise<void> {
    for (const file of [this.#stat, this.#meminfo, this.#diskstats, this.#netdev, this.#mounts]) {
      file.close()
    }
    return Promise.resolve()
  }
}

/**
 * Whole physical disks: entries of `/sys/block` with a `device` link. Read once; an empty set
 * (no `/sys`) makes the diskstats parser fall back to a rule on names.
 */
async function physicalDisks(): Promise<Set<string>> {
  try {
    const names = await readdir('/sys/block')
    const checks = await Promise.allSettled(
      names.map((name) => access(`/sys/block/${name}/device`)),
    )
    return new Set(names.filter((_, index) => checks[index]!.status === 'fulfilled'))
  } catch {
    return new Set()
  }
}

/** A read's text, or what it threw: each section reports its own failure. */
type ReadResult = { text: string } | { error: unknown }

function readText(file: ProcFile): ReadResult {
  try {
    return { text: file.read() }
  } catch (error) {
    return { error }
  }
}

function settled(result: ReadResult): string {
  if ('error' in result) throw result.error
  return result.text
}
