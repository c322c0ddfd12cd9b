import { loadSystemInformation } from './si-sampler.js'
import type { SystemInfo } from './types.js'

/**
 * Static facts through systeminformation, read once. On Linux `si.cpu()` runs `lscpu`
 * asynchronously, and `si.osInfo()` runs `hostname -f` synchronously (about 10 ms of blocked
 * loop, once), which is why this is never part of a sample.
 */
export async function readSystemInfo(): Promise<SystemInfo> {
  const si = loadSystemInformation()
  const [cpu, os, mem] = await Promise.all([si.cpu(), si.osInfo(), si.mem()])
  return {
    cpu: {
      manufacturer: cpu.manufacturer,
      brand: cpu.brand,
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      speedGHz: cpu.speed,
    },
    os: {
      platform: os.platform,
      distro: os.distro,
      release: os.release,
      kernel: os.kernel,
      arch: os.arch,
      hostname: os.hostname,
    },
    memoryTotal: mem.total,
    nodeVersion: process.version,
  }
}
