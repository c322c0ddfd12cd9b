// `pnpm bench` in this package: enqueue with 50 concurrent producers beside raw BullMQ `add`;
// raw BullMQ beside ours on BullMQ and in process; Redis commands per job on a private Redis;
// then the autoscaler against a fixed concurrency, then 1, 2 and 3 worker processes on one
// queue, in one run.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { machine } from '@bi-perf/bench'
import { redisUrl } from '@bi-perf/test-services'
import { autoscaleBench } from './autoscale.js'
import { commandstatsBench } from './commandstats.js'
import { enqueueBench } from './enqueue.js'
import { throughputBench } from './throughput.js'
import { workersBench } from './workers.js'

const url = redisUrl()
const prefix = `bi-perf-bench-${randomUUID().slice(0, 8)}`

console.log(`@bi-perf/tasks benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const sections = [
  await enqueueBench(url, prefix),
  await throughputBench(url, prefix),
  await commandstatsBench(),
  await autoscaleBench(url, prefix),
  await workersBench({ label: 'single Redis', redis: url }),
]
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/tasks.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${sections.join('\n')}`,
)
