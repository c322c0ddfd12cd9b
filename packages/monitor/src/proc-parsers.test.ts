import { describe, expect, it } from 'vitest'
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
} from './proc-parsers.js'

const STAT_BEFORE = `cpu  1000 0 500 8000 100 0 0 0 0 0
cpu0 500 0 250 4000 50 0 0 0 0 0
cpu1 500 0 250 4000 50 0 0 0 0 0
intr 3169048 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 7 0
ctxt 5503594
btime 1795897049
`
// 1000 ticks later: core 0 fully busy (user), core 1 idle but for 100 ticks of iowait.
const STAT_AFTER = `cpu  1500 0 500 8400 200 0 0 0 0 0
cpu0 1000 0 250 4000 50 0 0 0 0 0
cpu1 500 0 250 4400 150 0 0 0 0 0
intr 3169999 0 0 0
ctxt 5503999
`

describe('parseProcStat', () => {
  it('reads the aggregate line and one line per core, and stops before intr', () => {
    const stat = parseProcStat(STAT_BEFORE)
    expect(stat.total).toEqual({
      user: 1000,
      nice: 0,
      system: 500,
      idle: 8000,
      iowait: 100,
      irq: 0,
      softirq: 0,
      steal: 0,
    })
    expect(stat.cores).toHaveLength(2)
    expect(stat.cores[1]!.idle).toBe(4000)
  })

  it('fills a hole left by an offline core with zeros', () => {
    const stat = parseProcStat(
      'cpu  10 0 0 10 0 0 0 0\ncpu0 5 0 0 5 0 0 0 0\ncpu2 5 0 0 5 0 0 0 0\n',
    )
    expect(stat.cores).toHaveLength(3)
    expect(stat.cores[1]!.idle).toBe(0)
  })

  it('reads kernels that print fewer columns (no steal)', () => {
    const stat = parseProcStat('cpu  10 1 2 30 4\n')
    expect(stat.total.steal).toBe(0)
    expect(stat.total.iowait).toBe(4)
  })

  it('throws on text without a cpu line', () => {
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no aggregate "cpu" line/)
  })
})

describe('cpuPercentages', () => {
  it('computes busy shares over all cores and per core from two readings', () => {
    const cpu = cpuPercentages(parseProcStat(STAT_BEFORE), parseProcStat(STAT_AFTER))
    // 1000 ticks in all: 500 user, 400 idle, 100 iowait.
    expect(cpu.total).toBe(50)
    expect(cpu.user).toBe(50)
    expect(cpu.system).toBe(0)
    expect(cpu.iowait).toBe(10)
    expect(cpu.cores).toEqual([100, 0])
  })

  it('counts nice as user, irq and softirq as system, and steal as busy', () => {
    const before = parseProcStat('cpu  0 0 0 0 0 0 0 0\n')
    const after = parseProcStat('cpu  10 10 10 40 0 10 10 10\n')
    const cpu = cpuPercentages(before, after)
    expect(cpu.user).toBe(20)
    expect(cpu.system).toBe(30)
    expect(cpu.steal).toBe(10)
    expect(cpu.total).toBe(60)
  })

  it('reports zero, not NaN, when no time passed or counters went backwards', () => {
    const stat = parseProcStat(STAT_BEFORE)
    expect(cpuPercentages(stat, stat).total).toBe(0)
    expect(cpuPercentages(parseProcStat(STAT_AFTER), stat).total).toBe(0)
  })
})

describe('parseMeminfo', () => {
  it('converts kB to bytes and defines used as total minus available', () => {
    const memory = parseMeminfo(`MemTotal:       16000000 kB
MemFree:         2000000 kB
MemAvailable:   12000000 kB
Buffers:          100000 kB
Cached:          9000000 kB
SwapCached:            0 kB
SwapTotal:       4000000 kB
SwapFree:        3000000 kB
HugePages_Total:       0
`)
    expect(memory.total).toBe(16_000_000 * 1024)
    expect(memory.available).toBe(12_000_000 * 1024)
    expect(memory.free).toBe(2_000_000 * 1024)
    expect(memory.used).toBe(4_000_000 * 1024)
    expect(memory.usedPercent).toBe(25)
    expect(memory.swapUsed).toBe(1_000_000 * 1024)
    expect(memory.swapUsedPercent).toBe(25)
  })

  it('estimates available from free, buffers and cache on kernels without MemAvailable', () => {
    const memory = parseMeminfo(
      'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 100 kB\nCached: 300 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n',
    )
    expect(memory.available).toBe(500 * 1024)
    expect(memory.usedPercent).toBe(50)
    expect(memory.swapUsedPercent).toBe(0)
  })

  it('throws when the essential lines are missing', () => {
    expect(() => parseMeminfo('Buffers: 1 kB\n')).toThrow(/MemTotal/)
  })
})

const DISKSTATS_BEFORE = `   7       0 loop0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 1000 0 20000 500 2000 0 40000 900 0 1000 1400 0 0 0 0 0 0
 254       1 vda1 900 0 18000 450 1900 0 38000 850 0 950 1300 0 0 0 0 0 0
 259       0 nvme0n1 100 0 1000 10 100 0 1000 10 0 100 20 0 0 0 0 0 0
 259       1 nvme0n1p1 100 0 1000 10 100 0 1000 10 0 100 20 0 0 0 0 0 0
 253       0 dm-0 50 0 500 5 50 0 500 5 0 50 10 0 0 0 0 0 0
`
// Two seconds later: vda read 2048 sectors (1 MiB) in 10 reads and was busy 500 ms.
const DISKSTATS_AFTER = `   7       0 loop0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 1010 0 22048 520 2004 0 40008 905 0 1500 1500 0 0 0 0 0 0
 254       1 vda1 910 0 20048 470 1904 0 38008 855 0 1450 1400 0 0 0 0 0 0
 259       0 nvme0n1 100 0 1000 10 100 0 1000 10 0 100 20 0 0 0 0 0 0
 259       1 nvme0n1p1 100 0 1000 10 100 0 1000 10 0 100 20 0 0 0 0 0 0
 253       0 dm-0 60 0 600 5 50 0 500 5 0 50 10 0 0 0 0 0 0
`

describe('parseDiskstats and diskRates', () => {
  it('keeps the devices /sys/block lists as physical', () => {
    const disks = parseDiskstats(DISKSTATS_BEFORE, new Set(['vda']))
    expect([...disks.keys()]).toEqual(['vda'])
    expect(disks.get('vda')).toEqual({
      reads: 1000,
      readSectors: 20000,
      writes: 2000,
      writeSectors: 40000,
      ioTicks: 1000,
    })
  })

  it('leaves out partitions and virtual devices by name when /sys is not readable', () => {
    const disks = parseDiskstats(DISKSTATS_BEFORE)
    expect([...disks.keys()]).toEqual(['vda', 'nvme0n1'])
  })

  it('computes byte rates from 512-byte sectors, request rates and busy share', () => {
    const before = parseDiskstats(DISKSTATS_BEFORE)
    const after = parseDiskstats(DISKSTATS_AFTER)
    const io = diskRates(before, after, 2000)
    expect(io.readBytesPerSec).toBe(524_288)
    expect(io.writeBytesPerSec).toBe(2048)
    expect(io.readsPerSec).toBe(5)
    expect(io.writesPerSec).toBe(2)
    expect(io.readBytes).toBe(22048 * 512 + 1000 * 512)
    const vda = io.devices.find((device) => device.name === 'vda')!
    expect(vda.busyPercent).toBe(25)
    expect(vda.readBytes).toBe(22048 * 512)
  })

  it('reports zero rates for a device seen for the first time', () => {
    const io = diskRates(new Map(), parseDiskstats(DISKSTATS_AFTER), 1000)
    expect(io.readBytesPerSec).toBe(0)
    expect(io.devices).toHaveLength(2)
  })
})

const NETDEV_BEFORE = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 11681584883 1852572    0    0    0     0          0         0 11681584883 1852572    0    0    0     0       0          0
  eth0: 1000000   24723    0    0    0     0          0         0  500000   17251    0    0    0     0       0          0
  eth1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
`
const NETDEV_AFTER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 21681584883 1852572    0    0    0     0          0         0 21681584883 1852572    0    0    0     0       0          0
  eth0: 1500000   24723    0    0    0     0          0         0  600000   17251    0    0    0     0       0          0
  eth1:    1000       0    0    0    0     0          0         0     2000       0    0    0    0     0       0          0
`

describe('parseNetDev and networkRates', () => {
  it('reads received and sent bytes per interface and leaves loopback out', () => {
    const interfaces = parseNetDev(NETDEV_BEFORE)
    expect([...interfaces.keys()]).toEqual(['eth0', 'eth1'])
    expect(interfaces.get('eth0')).toEqual({ rxBytes: 1_000_000, txBytes: 500_000 })
  })

  it('sums rates over interfaces', () => {
    const stats = networkRates(parseNetDev(NETDEV_BEFORE), parseNetDev(NETDEV_AFTER), 500)
    expect(stats.rxBytesPerSec).toBe(1_002_000)
    expect(stats.txBytesPerSec).toBe(204_000)
    expect(stats.rxBytes).toBe(1_501_000)
    expect(stats.interfaces.find((entry) => entry.name === 'eth1')!.txBytesPerSec).toBe(4000)
  })

  it('counts nothing when a counter was reset', () => {
    const stats = networkRates(parseNetDev(NETDEV_AFTER), parseNetDev(NETDEV_BEFORE), 1000)
    expect(stats.rxBytesPerSec).toBe(0)
  })
})

describe('parseMounts', () => {
  const MOUNTS = `proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,relatime 0 0
/dev/vda1 / ext4 rw,relatime 0 0
tmpfs /dev/shm tmpfs rw,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw 0 0
/dev/vda1 /etc/hosts ext4 rw,relatime 0 0
/dev/vdb /mnt/data\\040disk xfs rw 0 0
/dev/loop3 /snap/core/1 squashfs ro 0 0
overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
`

  it('keeps real filesystems, once per device at the shortest mount point', () => {
    expect(parseMounts(MOUNTS)).toEqual([
      { device: '/dev/vda1', mount: '/', type: 'ext4' },
      { device: '/dev/vdb', mount: '/mnt/data disk', type: 'xfs' },
      { device: 'overlay', mount: '/var/lib/docker/overlay2/abc/merged', type: 'overlay' },
    ])
  })
})

describe('filesystemUsage', () => {
  it('computes the used share as df does, against space users can write', () => {
    const usage = filesystemUsage(
      { device: '/dev/vda1', mount: '/', type: 'ext4' },
      { bsize: 4096, blocks: 1000, bfree: 300, bavail: 200 },
    )
    expect(usage).toEqual({
      mount: '/',
      device: '/dev/vda1',
      type: 'ext4',
      size: 4_096_000,
      used: 2_867_200,
      available: 819_200,
      usedPercent: 77.78,
    })
  })

  it('reports 0 % for an empty filesystem instead of NaN', () => {
    const usage = filesystemUsage(
      { device: 'x', mount: '/x', type: 'ext4' },
      { bsize: 4096, blocks: 0, bfree: 0, bavail: 0 },
    )
    expect(usage.usedPercent).toBe(0)
  })
})
