// Pure parsers of Linux /proc text and the arithmetic that turns two readings into rates. No I/O
// here, so every rule is unit-tested on sample text.
import type {
  CpuStats,
  DiskDeviceIo,
  DiskIoStats,
  FilesystemUsage,
  MemoryStats,
  NetworkInterfaceIo,
  NetworkStats,
} from './types.js'

/** Cumulative CPU time of one line of `/proc/stat`, in clock ticks. */
export interface CpuTimes {
  user: number
  nice: number
  system: number
  idle: number
  iowait: number
  irq: number
  softirq: number
  steal: number
}

/** The `cpu` lines of `/proc/stat`: all cores together and each core. */
export interface ProcStat {
  total: CpuTimes
  cores: CpuTimes[]
}

/** Parses the `cpu` and `cpuN` lines of `/proc/stat`; throws when the `cpu` line is missing. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined
  const cores: CpuTimes[] = []
  let start = 0
  // The cpu lines come first; stop at the first other line instead of splitting the long
  // `intr` line that follows.
  while (start < text.length && text.startsWith('cpu', start)) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const fields = text.slice(start, end).trim().split(/\s+/)
    const label = fields[0]!
    const times: CpuTimes = {
      user: field(fields, 1),
      nice: field(fields, 2),
      system: field(fields, 3),
      idle: field(fields, 4),
      iowait: field(fields, 5),
      irq: field(fields, 6),
      softirq: field(fields, 7),
      steal: field(fields, 8),
    }
    if (label === 'cpu') total = times
    else cores[Number(label.slice(3))] = times
    start = end + 1
  }
  if (!total) throw new Error('/proc/stat has no aggregate "cpu" line')
  // An offline core leaves a hole; treat it as idle rather than breaking the array.
  for (let index = 0; index < cores.length; index++) cores[index] ??= zeroTimes()
  return { total, cores }
}

/** CPU shares in percent between two readings of `/proc/stat`. */
export function cpuPercentages(previous: ProcStat, current: ProcStat): CpuStats {
  const total = sharesOf(previous.total, current.total)
  const cores = current.cores.map((times, index) => {
    const before = previous.cores[index]
    return before ? sharesOf(before, times).busy : 0
  })
  return {
    total: total.busy,
    user: total.user,
    system: total.system,
    iowait: total.iowait,
    steal: total.steal,
    cores,
  }
}

function sharesOf(before: CpuTimes, after: CpuTimes) {
  const user = delta(before.user + before.nice, after.user + after.nice)
  const system = delta(
    before.system + before.irq + before.softirq,
    after.system + after.irq + after.softirq,
  )
  const idle = delta(before.idle, after.idle)
  const iowait = delta(before.iowait, after.iowait)
  const steal = delta(before.steal, after.steal)
  // guest time is already part of user time, so it is not added again.
  const all = user + system + idle + iowait + steal
  if (all === 0) return { busy: 0, user: 0, system: 0, iowait: 0, steal: 0 }
  const percent = (part: number) => round2((part / all) * 100)
  return {
    busy: percent(user + system + steal),
    user: percent(user),
    system: percent(system),
    iowait: percent(iowait),
    steal: percent(steal),
  }
}

/** Parses `/proc/meminfo` (values in kB) into bytes. */
export function parseMeminfo(text: string): MemoryStats {
  const values = new Map<string, number>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === -1) continue
    values.set(line.slice(0, colon), Number.parseInt(line.slice(colon + 1), 10) * 1024)
  }
  const total = values.get('MemTotal')
  const free = values.get('MemFree')
  if (total === undefined || free === undefined) {
    throw new Error('/proc/meminfo has no MemTotal or MemFree')
  }
  // Kernels before 3.14 have no MemAvailable; free + buffers + page cache is the usual estimate.
  const available =
    values.get('MemAvailable') ?? free + (values.get('Buffers') ?? 0) + (values.get('Cached') ?? 0)
  const used = Math.max(0, total - available)
  const swapTotal = values.get('SwapTotal') ?? 0
  const swapUsed = Math.max(0, swapTotal - (values.get('SwapFree') ?? 0))
  return {
    total,
    used,
    available,
    free,
    usedPercent: total > 0 ? round2((used / total) * 100) : 0,
    swapTotal,
    swapUsed,
    swapUsedPercent: swapTotal > 0 ? round2((swapUsed / swapTotal) * 100) : 0,
  }
}

/** Cumulative counters of one block device from `/proc/diskstats`. */
export interface DiskCounters {
  reads: number
  /** 512-byte sectors, whatever the device's block size. */
  readSectors: number
  writes: number
  writeSectors: number
  /** Milliseconds the device had I/O in flight. */
  ioTicks: number
}

const VIRTUAL_DISK = /^(loop|ram|zram|dm-|md|sr|fd|nbd)\d*/
const PARTITION = /^((sd|vd|hd|xvd)[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+)p\d+)$/

/**
 * Parses `/proc/diskstats`, keeping whole physical disks. `physical` is the set of devices with
 * a `device` link under `/sys/block` (partitions, loop, device-mapper and RAID devices have none,
 * and would count the same I/O twice); without it a name-based rule is used.
 */
export function parseDiskstats(
  text: string,
  physical?: ReadonlySet<string>,
): Map<string, DiskCounters> {
  const disks = new Map<string, DiskCounters>()
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 14) continue
    const name = fields[2]!
    const keep =
      physical && physical.size > 0
        ? physical.has(name)
        : !VIRTUAL_DISK.test(name) && !PARTITION.test(name)
    if (!keep) continue
    disks.set(name, {
      reads: field(fields, 3),
      readSectors: field(fields, 5),
      writes: field(fields, 7),
      writeSectors: field(fields, 9),
      ioTicks: field(fields, 12),
    })
  }
  return disks
}

/** Disk I/O rates between two readings taken `elapsedMs` apart. */
export function diskRates(
  previous: ReadonlyMap<string, DiskCounters>,
  current: ReadonlyMap<string, DiskCounters>,
  elapsedMs: number,
): DiskIoStats {
  const perSecond = elapsedMs > 0 ? 1000 / elapsedMs : 0
  const devices: DiskDeviceIo[] = []
  const sum = { readsPerSec: 0, writesPerSec: 0, readBytes: 0, writeBytes: 0 }
  for (const [name, now] of current) {
    const before = previous.get(name) ?? now
    const readBytes = now.readSectors * 512
    const writeBytes = now.writeSectors * 512
    devices.push({
      name,
      readBytesPerSec: round2(delta(before.readSectors, now.readSectors) * 512 * perSecond),
      writeBytesPerSec: round2(delta(before.writeSectors, now.writeSectors) * 512 * perSecond),
      busyPercent:
        elapsedMs > 0
          ? Math.min(100, round2((delta(before.ioTicks, now.ioTicks) / elapsedMs) * 100))
          : 0,
      readBytes,
      writeBytes,
    })
    sum.readsPerSec += delta(before.reads, now.reads) * perSecond
    sum.writesPerSec += delta(before.writes, now.writes) * perSecond
    sum.readBytes += readBytes
    sum.writeBytes += writeBytes
  }
  return {
    readBytesPerSec: round2(devices.reduce((total, device) => total + device.readBytesPerSec, 0)),
    writeBytesPerSec: round2(devices.reduce((total, device) => total + device.writeBytesPerSec, 0)),
    readsPerSec: round2(sum.readsPerSec),
    writesPerSec: round2(sum.writesPerSec),
    readBytes: sum.readBytes,
    writeBytes: sum.writeBytes,
    devices,
  }
}

/** Cumulative byte counters of one interface from `/proc/net/dev`. */
export interface InterfaceCounters {
  rxBytes: number
  txBytes: number
}

/** Parses `/proc/net/dev`, leaving out loopback (its traffic never leaves the machine). */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const interfaces = new Map<string, InterfaceCounters>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === -1) continue
    const name = line.slice(0, colon).trim()
    if (name === 'lo') continue
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
    if (fields.length < 9) continue
    interfaces.set(name, { rxBytes: field(fields, 0), txBytes: field(fields, 8) })
  }
  return interfaces
}

/** Network rates between two readings taken `elapsedMs` apart. */
export function networkRates(
  previous: ReadonlyMap<string, InterfaceCounters>,
  current: ReadonlyMap<string, InterfaceCounters>,
  elapsedMs: number,
): NetworkStats {
  const perSecond = elapsedMs > 0 ? 1000 / elapsedMs : 0
  const interfaces: NetworkInterfaceIo[] = []
  const totals = { rxBytesPerSec: 0, txBytesPerSec: 0, rxBytes: 0, txBytes: 0 }
  for (const [name, now] of current) {
    const before = previous.get(name) ?? now
    const io: NetworkInterfaceIo = {
      name,
      rxBytesPerSec: round2(delta(before.rxBytes, now.rxBytes) * perSecond),
      txBytesPerSec: round2(delta(before.txBytes, now.txBytes) * perSecond),
      rxBytes: now.rxBytes,
      txBytes: now.txBytes,
    }
    interfaces.push(io)
    totals.rxBytesPerSec += io.rxBytesPerSec
    totals.txBytesPerSec += io.txBytesPerSec
    totals.rxBytes += io.rxBytes
    totals.txBytes += io.txBytes
  }
  return {
    rxBytesPerSec: round2(totals.rxBytesPerSec),
    txBytesPerSec: round2(totals.txBytesPerSec),
    rxBytes: totals.rxBytes,
    txBytes: totals.txBytes,
    interfaces,
  }
}

/** A mounted filesystem from `/proc/mounts`. */
export interface MountEntry {
  device: string
  mount: string
  type: string
}

/** Kernel and memory filesystems: nothing a disk-full alert should look at. */
const PSEUDO_FILESYSTEMS = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'nfsd',
])

/**
 * Parses `/proc/mounts` into the real filesystems: pseudo and memory filesystems are left out,
 * and a device mounted several times (bind mounts) is kept once, at its shortest mount point.
 */
export function parseMounts(text: string): MountEntry[] {
  const byDevice = new Map<string, MountEntry>()
  for (const line of text.split('\n')) {
    const fields = line.split(' ')
    if (fields.length < 3) continue
    const entry: MountEntry = {
      device: unescapeMount(fields[0]!),
      mount: unescapeMount(fields[1]!),
      type: fields[2]!,
    }
    if (PSEUDO_FILESYSTEMS.has(entry.type)) continue
    const seen = byDevice.get(entry.device)
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(entry.device, entry)
  }
  return [...byDevice.values()].sort((a, b) => a.mount.localeCompare(b.mount))
}

/** `/proc/mounts` writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  )
}

/** The fields of `fs.statfs` the usage needs. */
export interface StatfsResult {
  bsize: number
  blocks: number
  bfree: number
  bavail: number
}

/** Size and use of a filesystem from `statfs`, computed as `df` does. */
export function filesystemUsage(mount: MountEntry, stats: StatfsResult): FilesystemUsage {
  const size = stats.blocks * stats.bsize
  const used = (stats.blocks - stats.bfree) * stats.bsize
  const available = stats.bavail * stats.bsize
  return {
    mount: mount.mount,
    device: mount.device,
    type: mount.type,
    size,
    used,
    available,
    usedPercent: used + available > 0 ? round2((used / (used + available)) * 100) : 0,
  }
}

function field(fields: readonly string[], index: number): number {
  const value = Number(fields[index] ?? 0)
  return Number.isFinite(value) ? value : 0
}

// Counters can go backwards when a device or interface is replaced: count nothing then.
function delta(before: number, after: number): number {
  return after >= before ? after - before : 0
}

function zeroTimes(): CpuTimes {
  return { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 }
}

/** Two decimals are enough for any share or rate shown, and keep snapshots short as JSON. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100
}
