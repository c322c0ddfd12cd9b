import { cpus, loadavg, totalmem } from 'node:os'

/** The machine a run measured on, as docs/claims.md prints it. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  /** 1, 5 and 15-minute load averages. */
  load: [number, number, number]
}

/** The machine now: CPU model, logical cores, RAM, Node version and load average. */
export function readMachine(): MachineInfo {
  const cores = cpus()
  const [avg1 = 0, avg5 = 0, avg15 = 0] = loadavg()
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown CPU',
    cores: cores.length,
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    load: [avg1, avg5, avg15],
  }
}

/** `1.23 / 0.98 / 0.50` (1, 5, 15 min). */
export function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(' / ')
}
