// `pnpm bench` in this package: every cache benchmark, ours beside the peers, in one run.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { clusterBench } from './cluster.js'
import { compressionBench } from './compression.js'
import { globBench } from './glob.js'
import { machine } from '@bi-perf/bench'
import { l1GetBench } from './l1-get.js'
import { l1MemoryBench } from './l1-memory.js'
import { l2GetBench } from './l2-get.js'
import { mixedBench } from './mixed.js'
import { stalenessBench } from './staleness.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `bi-perf-bench:${randomUUID().slice(0, 8)}`

console.log(`@bi-perf/cache benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const sections = [
  await l1GetBench(),
  await l2GetBench(redisUrl, prefix),
  await mixedBench(redisUrl, prefix),
  await clusterBench(redisUrl, prefix),
  await compressionBench(redisUrl, prefix),
  await stalenessBench(redisUrl, prefix),
  await l1MemoryBench(),
  await globBench(),
]
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/cache.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${sections.join('\n')}`,
)
