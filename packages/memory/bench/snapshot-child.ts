// One heap snapshot method in a fresh process, so its peak RSS is its own. Builds about 80 MB
// of live rows, times forced GCs, writes one snapshot while a 5 ms ticker measures how long the
// event loop stalled, and prints one JSON line.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8'
import { createMemoryManager } from '@bi-perf/memory'

const method = process.argv[2]
const rows = Array.from({ length: Number(process.argv[3] ?? 400_000) }, (_, id) => ({
  id,
  name: `customer-${id}`,
  region: ['eu', 'us', 'apac'][id % 3]!,
  totals: [id, id * 2, id * 3],
}))
const gc = globalThis.gc!
gc()
const heapBytes = getHeapStatistics().used_heap_size
const gcPausesMs: number[] = []
for (let i = 0; i < 5; i++) {
  const started = performance.now()
  gc()
  gcPausesMs.push(performance.now() - started)
}

const dir = mkdtempSync(join(tmpdir(), 'bi-perf-memory-bench-'))
const memory = createMemoryManager()
const rssBefore = process.memoryUsage().rss
let last = performance.now()
let stallMs = 0
const ticker = setInterval(() => {
  const now = performance.now()
  stallMs = Math.max(stallMs, now - last - 5)
  last = now
}, 5)
await new Promise((resolve) => setTimeout(resolve, 50))
const started = performance.now()
const path =
  method === 'stream'
    ? await memory.writeHeapSnapshot(dir)
    : writeHeapSnapshot(join(dir, 'sync.heapsnapshot'))
const totalMs = performance.now() - started
await new Promise((resolve) => setTimeout(resolve, 20))
clearInterval(ticker)
const fileBytes = statSync(path).size
memory.close()
rmSync(dir, { recursive: true, force: true })
process.stdout.write(
  `${JSON.stringify({
    method,
    rows: rows.length,
    heapBytes,
    gcPausesMs,
    totalMs,
    stallMs,
    fileBytes,
    rssBefore,
    maxRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
)
