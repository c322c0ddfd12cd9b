// `pnpm bench` in this package: every database benchmark, ours beside the peers, in one run.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { machine } from '@bi-perf/bench'
import { postgresUrl } from '@bi-perf/test-services'
import { dashboardBench } from './dashboard.js'
import { embeddedBench } from './embedded.js'
import { PRICE_ROWS, createDataset, dropDataset } from './dataset.js'
import { loadsBench } from './loads.js'
import { poolBench } from './pool.js'
import { table } from './util.js'
import { zipfBench } from './zipf.js'

const url = postgresUrl()
const schema = `bi_perf_bench_${randomUUID().slice(0, 8)}`

console.log(`@bi-perf/db benchmarks — ${new Date().toISOString()} — ${machine()}\n`)
const sections: string[] = []
try {
  const seconds = await createDataset(url, schema)
  sections.push(
    `Dataset: ${PRICE_ROWS.toLocaleString('en')} price rows, 1,000 products, 50 stores, generated with generate_series in ${seconds.toFixed(1)} s (schema dropped afterwards).\n`,
  )
  console.log(sections[0])
  const dashboard = await dashboardBench(url, schema)
  const zipf = await zipfBench(url, schema)
  const pool = await poolBench(url, schema)
  const loads = await loadsBench(url, schema)
  const embedded = await embeddedBench()
  sections.push(dashboard, zipf.text, pool.text, loads.text, embedded.text)
  sections.push(
    table(
      'Targets',
      ['target (issue 4)', 'this run', 'met'],
      [
        [
          'Zipf workload: ≥ 90 % fewer database queries with caching',
          `${(zipf.reduction * 100).toFixed(1)} % (table-level), ${(zipf.scopedReduction * 100).toFixed(1)} % (with cacheScopes)`,
          zipf.scopedReduction >= 0.9
            ? zipf.reduction >= 0.9
              ? 'yes'
              : 'with cacheScopes only'
            : 'no',
        ],
        [
          'COPY ≥ 20× row by row',
          `${loads.copyRatio.toFixed(1)}×`,
          loads.copyRatio >= 20 ? 'yes' : 'no',
        ],
        [
          'pooling 20–40 % faster than a connection per query (seed)',
          `p50 ${pool.p50Ratio.toFixed(1)}× faster`,
          pool.p50Ratio >= 1.25 ? 'yes' : 'no',
        ],
      ],
    ),
  )
} finally {
  await dropDataset(url, schema)
}
mkdirSync(new URL('../../../bench-results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../../../bench-results/db.md', import.meta.url),
  `Run ${new Date().toISOString()} on ${machine()}\n\n${sections.join('\n')}`,
)
