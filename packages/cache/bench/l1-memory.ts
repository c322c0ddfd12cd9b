import { createCache, type ValueMode } from '@bi-perf/cache'
import { kibObject } from './payloads.js'

const ENTRIES = 100_000
const CAP = 64 * 1024 * 1024

/** 100k distinct 1 KiB entries into an L1 capped at 64 MiB: the cap holds, RSS is reported. */
export async function l1MemoryBench(): Promise<string> {
  const lines = [
    `### L1 memory: ${ENTRIES / 1000}k entries of 1 KiB, \`maxBytes: 64 MiB\``,
    '',
    '| value mode | entries kept | L1 bytes (accounted) | under cap | evictions | heap + external Δ | RSS Δ |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const values of ['frozen', 'copied'] as ValueMode[]) {
    global.gc?.()
    const before = process.memoryUsage()
    const cache = createCache({ l1: { maxBytes: CAP, maxEntries: 150_000, values } })
    for (let i = 0; i < ENTRIES; i++) await cache.set(`k${i}`, kibObject(i))
    global.gc?.()
    const after = process.memoryUsage()
    const { l1 } = cache.stats()
    if (l1.bytes > CAP) throw new Error(`L1 holds ${l1.bytes} bytes, above the cap`)
    lines.push(
      `| ${values} | ${l1.entries} | ${mib(l1.bytes)} | ${l1.bytes <= CAP ? 'yes' : 'NO'} | ${l1.evictions} | ${mib(after.heapUsed + after.external - before.heapUsed - before.external)} | ${mib(after.rss - before.rss)} |`,
    )
    await cache.close()
  }
  lines.push('')
  const text = lines.join('\n')
  console.log(text)
  return text
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
