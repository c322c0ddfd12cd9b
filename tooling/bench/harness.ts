import { cpus } from 'node:os'
import { Bench } from 'tinybench'

/** One benchmarked contender. `opsPerCall` counts operations a call does (e.g. 64 concurrent gets). */
export interface Contender {
  name: string
  fn: () => unknown
  opsPerCall?: number
}

export interface Result {
  name: string
  opsPerSec: number
  /** Latency of one call, in microseconds. */
  p50Us: number
  p99Us: number
}

/**
 * Runs contenders in this process with tinybench, in `rounds` rounds whose order alternates, and
 * keeps each contender's median round: a shared two-core VM is noisy, and one slow phase should
 * not decide a ratio.
 */
export async function measure(
  contenders: Contender[],
  { time = 800, rounds = 5 } = {},
): Promise<Result[]> {
  const samples = new Map<string, Result[]>(contenders.map((contender) => [contender.name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    const bench = new Bench({ time, warmupTime: 200 })
    for (const contender of order) bench.add(contender.name, contender.fn)
    await bench.run()
    for (const task of bench.tasks) {
      const result = task.result
      if (result.state !== 'completed') {
        throw new Error(`${task.name} did not complete: ${JSON.stringify(result)}`)
      }
      const opsPerCall =
        contenders.find((contender) => contender.name === task.name)!.opsPerCall ?? 1
      samples.get(task.name)!.push({
        name: task.name,
        opsPerSec: result.throughput.mean * opsPerCall,
        p50Us: result.latency.p50 * 1_000,
        p99Us: result.latency.p99 * 1_000,
      })
    }
  }
  return contenders.map((contender) => {
    const sorted = samples.get(contender.name)!.sort((a, b) => a.opsPerSec - b.opsPerSec)
    return sorted[Math.floor(sorted.length / 2)]!
  })
}

/** Prints a Markdown table with each row's ratio to the named baselines. */
export function report(title: string, results: Result[], baselines: string[]): string {
  const byName = new Map(results.map((result) => [result.name, result]))
  const header = ['contender', 'ops/s', 'p50 µs', 'p99 µs', ...baselines.map((name) => `× ${name}`)]
  const lines = [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...results.map((result) => {
      const ratios = baselines.map((name) => ratio(result.opsPerSec, byName.get(name)?.opsPerSec))
      return `| ${[result.name, formatOps(result.opsPerSec), result.p50Us.toFixed(2), result.p99Us.toFixed(2), ...ratios].join(' | ')} |`
    }),
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  return text
}

export function ratio(ours: number, theirs: number | undefined): string {
  return theirs ? `${(ours / theirs).toFixed(2)}×` : '–'
}

export function formatOps(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M`
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k`
  return opsPerSec.toFixed(0)
}

export function machine(): string {
  const cpu = cpus()
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
}

export { median, percentile } from './stats.js'
export { seededRandom, zipf } from './workload.js'
