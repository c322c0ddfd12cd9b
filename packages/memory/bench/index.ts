// `pnpm bench` in this package: pools against plain allocation, the manager's own costs, and
// forced GCs and heap snapshots on a sizeable heap, in one run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { machine } from '@bi-perf/bench'
import { managerBench } from './manager.js'
import { poolBench } from './pool.js'
import { snapshotBench } from './snapshot.js'

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
console.log(`@bi-perf/memory benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const sections = [await poolBench(), await managerBench(), snapshotBench()]
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/memory.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${sections.join('\n')}`,
)
