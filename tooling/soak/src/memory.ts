import { readFileSync } from 'node:fs'

/** How far around a checkpoint the probe's samples are taken. */
const WINDOW_MS = 10_000

/** One line of src/probe.mjs. */
interface ProbeSample {
  at: number
  rss: number
  heapUsed: number
  eldP99Ms: number
}

/** One process's figures at one checkpoint. */
export interface MemoryPoint {
  /** `VmRSS` from /proc/<pid>/status at the checkpoint, bytes. */
  rss: number | null
  /** Lowest heapUsed near the checkpoint (what survives GC), bytes. */
  heapUsed: number | null
  /** Worst one-second event-loop delay p99 near the checkpoint, ms. */
  eldP99Ms: number | null
}

/** The memory figures of one process incarnation. */
export interface ProcessMemory {
  name: string
  start?: MemoryPoint
  middle?: MemoryPoint
  end?: MemoryPoint
  /** (end − start) / start of RSS and heap, when both checkpoints exist. */
  rssGrowth: number | null
  heapGrowth: number | null
}

/** A process the memory sampler watches: its pid and its probe file. */
export interface Watched {
  name: string
  pid: number
  probeFile: string
}

/**
 * Records VmRSS of the watched processes at the three checkpoints (after warm-up, middle, end)
 * and reads heap and event-loop delay from their probe files afterwards.
 *
 * @example
 * const memory = new MemoryWatch()
 * memory.checkpoint('start', processes)
 * const figures = memory.summarize(processes, { start, middle, end })
 */
export class MemoryWatch {
  readonly #rss = new Map<string, Partial<Record<Checkpoint, number | null>>>()

  /** Reads VmRSS of every watched process now. */
  checkpoint(name: Checkpoint, processes: readonly Watched[]) {
    for (const watched of processes) {
      const entry = this.#rss.get(watched.name) ?? {}
      entry[name] = vmRss(watched.pid)
      this.#rss.set(watched.name, entry)
    }
  }

  /** Figures per process; heap and event-loop delay come from the probe files. */
  summarize(processes: readonly Watched[], at: Record<Checkpoint, number>): ProcessMemory[] {
    return processes.map((watched) => {
      const samples = readProbe(watched.probeFile)
      const rss = this.#rss.get(watched.name) ?? {}
      const point = (name: Checkpoint, from: number, to: number): MemoryPoint | undefined => {
        const near = samples.filter((sample) => sample.at >= from && sample.at <= to)
        if (rss[name] === undefined && near.length === 0) return undefined
        return {
          rss: rss[name] ?? null,
          heapUsed: near.length ? Math.min(...near.map((sample) => sample.heapUsed)) : null,
          eldP99Ms: near.length ? Math.max(...near.map((sample) => sample.eldP99Ms)) : null,
        }
      }
      const start = point('start', at.start, at.start + WINDOW_MS)
      const middle = point('middle', at.middle - WINDOW_MS / 2, at.middle + WINDOW_MS / 2)
      const end = point('end', at.end - WINDOW_MS, at.end)
      return {
        name: watched.name,
        start,
        middle,
        end,
        rssGrowth: growth(start?.rss, end?.rss),
        heapGrowth: growth(start?.heapUsed, end?.heapUsed),
      }
    })
  }
}

/** The moments memory is compared at. */
export type Checkpoint = 'start' | 'middle' | 'end'

/** `VmRSS` of a process in bytes, `null` when it is gone. */
export function vmRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

function readProbe(file: string): ProbeSample[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const samples: ProbeSample[] = []
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      samples.push(JSON.parse(line) as ProbeSample)
    } catch {
      // A line cut by a SIGKILL.
    }
  }
  return samples
}

function growth(start: number | null | undefined, end: number | null | undefined): number | null {
  if (start === null || start === undefined || end === null || end === undefined || start === 0)
    return null
  return (end - start) / start
}
