// `pnpm bench` in this package: the caching HTTP client beside undici's own cache interceptor,
// plain undici and fetch, in one run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { machine } from '@bi-perf/bench'
import { cachedFetchBench } from './cached-fetch.js'

console.log(`@bi-perf/core benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const text = await cachedFetchBench()
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/core.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${text}`,
)
