import { parseArgs } from 'node:util'
import { runChaos } from './property.js'

// pnpm --filter @bi-perf/cache chaos [--runs N] [--seed N [--path P]] [--cluster] [--steps MIN-MAX]
// The long form of test/chaos.test.ts, and the way to replay a failing seed.
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    seed: { type: 'string' },
    path: { type: 'string' },
    cluster: { type: 'boolean', default: false },
    steps: { type: 'string', default: '30-40' },
  },
})
const [minSteps, maxSteps] = values.steps.split('-').map(Number) as [number, number]
const started = Date.now()
let done = 0
const summary = await runChaos({
  topology: values.cluster ? 'cluster' : 'server',
  runs: Number(values.runs),
  minSteps,
  maxSteps: maxSteps ?? minSteps,
  seed: values.seed === undefined ? undefined : Number(values.seed),
  path: values.path,
  onSequence: (world) => {
    done++
    if (done % 10 === 0 || process.stdout.isTTY || process.env.CHAOS_VERBOSE) {
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      console.log(`${done} sequences, ${seconds} s (last: ${JSON.stringify(world.report)})`)
    }
  },
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
console.log(JSON.stringify({ ...summary, seconds: Math.round((Date.now() - started) / 1000) }))
process.exit(0)
