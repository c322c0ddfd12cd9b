import type { ApiProcess } from '../api-process.js'
import type { ClaimResult } from '../claim.js'
import { percentLower } from '../stats.js'
import { numberAt } from '../workload.js'

/** Counters the database component reports, read through the API. */
async function databaseCounters(api: ApiProcess) {
  const db = await api.request('GET', '/performance/database/stats')
  return {
    executed: numberAt(db, 'queries', 'executed'),
    hits: numberAt(db, 'cache', 'hits'),
    misses: numberAt(db, 'cache', 'misses'),
  }
}

/**
 * Dashboard loads at a steady pace for `seconds`, counting the statements that reach the
 * database (`queries.executed` of `/performance/database/stats`). With `cache: false` every load
 * follows a `POST /performance/cache/clear`, so each one queries as it would without the cache.
 */
async function phase(
  api: ApiProcess,
  { cache, seconds, perSecond }: { cache: boolean; seconds: number; perSecond: number },
) {
  await api.request('POST', '/performance/cache/clear', {})
  const before = await databaseCounters(api)
  const deadline = performance.now() + seconds * 1000
  let loads = 0
  while (performance.now() < deadline) {
    const due = performance.now() + 1000 / perSecond
    if (!cache) await api.request('POST', '/performance/cache/clear', {})
    await api.request('GET', '/analytics/dashboard')
    loads++
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  const after = await databaseCounters(api)
  return {
    loads,
    executed: after.executed - before.executed,
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
  }
}

/**
 * "50–70 % lower database load with query caching": the same paced dashboard traffic with the
 * query cache and with it emptied before every load, statements reaching the database compared.
 */
export async function queryCachingClaim(
  api: ApiProcess,
  { seconds = 30, perSecond = 2 }: { seconds?: number; perSecond?: number } = {},
): Promise<ClaimResult> {
  const without = await phase(api, { cache: false, seconds, perSecond })
  const withCache = await phase(api, { cache: true, seconds, perSecond })
  const perLoad = (run: { executed: number; loads: number }) => run.executed / run.loads
  const figure = percentLower(perLoad(without), perLoad(withCache))
  const row = (name: string, run: typeof without) =>
    `| ${name} | ${run.loads} | ${run.executed} | ${perLoad(run).toFixed(2)} | ${run.hits} | ${run.misses} |`
  return {
    claim: '50–70 % lower database load with query caching',
    claimed: { kind: 'range', low: 50, high: 70, unit: '%' },
    figure,
    how: `built API, ${perSecond} dashboard loads/s for ${seconds} s with the query cache vs emptied before each load; statements reaching the database per load`,
    details: [
      `The same API process. Two ${seconds}-second phases of ${perSecond} \`GET /analytics/dashboard\` per second (one viewer refreshing every ${(1000 / perSecond).toFixed(0)} ms): without the cache (\`POST /performance/cache/clear\` before every load, so every widget queries) and with it (cleared once at the start). Database load is the statements the database component ran (\`queries.executed\` of \`/performance/database/stats\`), per dashboard load. Background work of the demo (the \`refresh-insights\` task writing prices every 30 s, which also invalidates the cached widgets like real writes) counts in both phases.`,
      '',
      '| phase | dashboard loads | statements run | per load | query-cache hits | misses |',
      '| --- | --- | --- | --- | --- | --- |',
      row('without query cache', without),
      row('with query cache', withCache),
      '',
      `${figure.toFixed(1)} % fewer statements per dashboard load. The figure depends on the traffic: the more loads share a cached result between two invalidations, the lower the load; at ${perSecond} loads/s and a 30 s refresh most loads are hits.`,
    ],
  }
}
