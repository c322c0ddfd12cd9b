import { getHeapStatistics } from 'node:v8'
import { setTimeout as delay } from 'node:timers/promises'
import { createMemoryManager, type MemoryManager } from '@bi-perf/memory'
import { measure, report, type Result } from '@bi-perf/bench'

let sink = 0

/** An allocation-heavy request: 1,000 small objects, garbage right after. */
function churn() {
  const rows = new Array<{ id: number; name: string }>(1_000)
  for (let i = 0; i < rows.length; i++) rows[i] = { id: i, name: `r${i}` }
  sink += rows.length
}

async function readingTheHeap(): Promise<string> {
  const memory = createMemoryManager()
  try {
    const results = await measure([
      {
        name: 'process.memoryUsage() (hand-written check)',
        fn: () => {
          sink += process.memoryUsage().heapUsed
        },
      },
      {
        name: 'v8.getHeapStatistics()',
        fn: () => {
          sink += getHeapStatistics().used_heap_size
        },
      },
      { name: 'memory.check() (full check, awaited)', fn: () => memory.check() },
      {
        name: 'memory.stats() (every figure)',
        fn: () => {
          sink += memory.stats().heap.used
        },
      },
    ])
    return report('Reading the heap: one pressure check and one stats() call', results, [
      'process.memoryUsage() (hand-written check)',
    ])
  } finally {
    memory.close()
  }
}

/**
 * The cost of the GC observer and the check after every GC on a workload that allocates hard:
 * the same function with and without a manager, alternating, median of nine rounds each, and
 * the spread of the per-round ratios (this VM's noise is about ±5 %).
 */
async function allocationOverhead(): Promise<string> {
  const without: Result[] = []
  const withManager: Result[] = []
  for (let round = 0; round < 9; round++) {
    const arms: [Result[], boolean][] = [
      [without, false],
      [withManager, true],
    ]
    if (round % 2 === 1) arms.reverse()
    for (const [results, managed] of arms) {
      let memory: MemoryManager | undefined
      if (managed) memory = createMemoryManager()
      const name = managed ? 'with a memory manager' : 'without'
      const [result] = await measure([{ name, fn: churn }], { rounds: 1 })
      results.push(result!)
      memory?.close()
    }
  }
  const median = (results: Result[]) =>
    [...results].sort((a, b) => a.opsPerSec - b.opsPerSec)[Math.floor(results.length / 2)]!
  const ratios = withManager
    .map((result, round) => result.opsPerSec / without[round]!.opsPerSec)
    .sort((a, b) => a - b)
  const table = report(
    'Allocation-heavy workload (1,000 objects per call) with and without the manager',
    [median(without), median(withManager)],
    ['without'],
  )
  const spread = `Per-round ratio with/without: ${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)} (median ${ratios[4]!.toFixed(2)}).\n`
  console.log(spread)
  return `${table}\n${spread}`
}

/** CPU time of an otherwise idle process, with no manager and with managers at two periods. */
async function idleCpu(): Promise<string> {
  const phaseMs = 5_000
  const arms: { name: string; checkInterval?: string }[] = [
    { name: 'no manager' },
    { name: 'manager, checkInterval 1s (default)', checkInterval: '1s' },
    { name: 'manager, checkInterval 100ms', checkInterval: '100ms' },
  ]
  const cpuMs = new Map(arms.map((arm) => [arm.name, [] as number[]]))
  const wallMs = new Map(arms.map((arm) => [arm.name, [] as number[]]))
  for (let round = 0; round < 2; round++) {
    for (const arm of round % 2 === 0 ? arms : [...arms].reverse()) {
      globalThis.gc?.()
      const memory = arm.checkInterval
        ? createMemoryManager({ checkInterval: arm.checkInterval })
        : undefined
      const started = performance.now()
      const cpu = process.cpuUsage()
      await delay(phaseMs)
      const used = process.cpuUsage(cpu)
      wallMs.get(arm.name)!.push(performance.now() - started)
      cpuMs.get(arm.name)!.push((used.user + used.system) / 1_000)
      memory?.close()
    }
  }
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
  const baseline = sum(cpuMs.get('no manager')!) / sum(wallMs.get('no manager')!)
  const lines = [
    `### Idle process: CPU time over ${(2 * phaseMs) / 1000} s per arm (two interleaved phases)`,
    '',
    '| arm | CPU ms | % of one core | added vs no manager |',
    '|---|---|---|---|',
  ]
  for (const arm of arms) {
    const share = sum(cpuMs.get(arm.name)!) / sum(wallMs.get(arm.name)!)
    lines.push(
      `| ${arm.name} | ${sum(cpuMs.get(arm.name)!).toFixed(1)} | ${(share * 100).toFixed(3)} % | ${arm.name === 'no manager' ? '–' : `${((share - baseline) * 100).toFixed(3)} %`} |`,
    )
  }
  lines.push('')
  const text = lines.join('\n')
  console.log(text)
  return text
}

/** What the manager costs: reading the heap, allocation throughput, idle CPU. */
export async function managerBench(): Promise<string> {
  const sections = [await readingTheHeap(), await allocationOverhead(), await idleCpu()]
  if (sink === 42) console.log('')
  return sections.join('\n')
}
