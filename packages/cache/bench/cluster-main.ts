// `node --import tsx bench/cluster-main.ts`: only the cluster-vs-single-Redis benchmark.
import { randomUUID } from 'node:crypto'
import { machine } from '@bi-perf/bench'
import { redisUrl } from '@bi-perf/test-services'
import { clusterBench } from './cluster.js'

console.log(`@bi-perf/cache cluster benchmark — ${new Date().toISOString()} — ${machine()}\n`)
await clusterBench(redisUrl(), `bi-perf-bench:${randomUUID().slice(0, 8)}`)
