// `pnpm bench` in this package: monitor overhead in idle child processes, then the read paths,
// ours beside the peers, in one run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { machine } from '@bi-perf/bench'
import { overheadBench } from './overhead.js'
import { latestBench, readPathsBench } from './reads.js'

console.log(`@bi-perf/monitor benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
// `pnpm bench -- --seconds 20 --rounds 3` for a shorter overhead run.
const { values } = parseArgs({
  options: { seconds: { type: 'string' }, rounds: { type: 'string' } },
  strict: true,
})
const overhead = await overheadBench(Number(values.seconds ?? 30), Number(values.rounds ?? 3))
const latest = await latestBench()
const readPaths = await readPathsBench()

const targets = [
  '### Targets',
  '',
  '| target | this run | met |',
  '|---|---|---|',
  `| monitor at 1 s costs < 0.3 % of one core (idle process, median of rounds, idle subtracted) | ${overhead.at1s.toFixed(3)} % | ${overhead.at1s < 0.3 ? 'yes' : 'no'} |`,
  `| monitor at 100 ms: report it (no target) | ${overhead.at100ms.toFixed(3)} % | – |`,
  `| \`latest()\` ≥ 1 M calls/s | ${(latest.opsPerSec / 1e6).toFixed(1)} M/s | ${latest.opsPerSec >= 1e6 ? 'yes' : 'no'} |`,
  '',
].join('\n')
console.log(targets)

mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/monitor.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${[targets, overhead.text, latest.text, readPaths].join('\n')}`,
)
