// `pnpm bench` in this package: every cache benchmark, ours beside the peers, in one run.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { clusterBench } from './cluster.js'
import { compressionBench } from './compression.js'
import { decodeBench } from './decode.js'
import { globBench } from './glob.js'
import { machine } from '@bi-perf/bench'
import { redisUrl } from '@bi-perf/test-services'
import { l1GetBench } from './l1-get.js'
import { l1MemoryBench } from './l1-memory.js'
import { l2GetBench } from './l2-get.js'
import { mixedBench } from './mixed.js'
import { stalenessBench } from './staleness.js'

const url = redisUrl()
const prefix = `bi-perf-bench:${randomUUID().slice(0, 8)}`

console.log(`@bi-perf/cache benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const sections = [
  await l1GetBench(),
  await decodeBench(),
  await l2GetBench(url, prefix),
  await mixedBench(url, prefix),
  await clusterBench(url, prefix),
  await compressionBench(url, prefix),
  await stalenessBench(url, prefix),
  await l1MemoryBench(),
  await globBench(),
]
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/cache.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${sections.join('\n')}`,
)
