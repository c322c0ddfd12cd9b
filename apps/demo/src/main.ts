// The Quick start's main job until apps/api lands: a dashboard-like workload through
// @bi-perf/cache, memory-only by default (set REDIS_URL to add the Redis tier), printing what
// the cache really did.
import { createCache, type CacheStats } from '@bi-perf/cache'
import { simulateWorkload } from './workload.js'

const redisUrl = process.env.REDIS_URL
const cache = createCache({
  redis: redisUrl,
  prefix: `bi-perf-demo:${process.pid}`,
  ttl: '5m',
  namespaces: { dashboard: { ttl: '30s', grace: '5m' }, ai: { ttl: '1h' } },
})

console.log(
  `bi-perf cache demo — ${redisUrl ? `L1 + Redis at ${redactUrl(redisUrl)}` : 'in-process only (set REDIS_URL to add Redis)'}\n`,
)
const report = await simulateWorkload(cache)
console.log(
  [
    `dashboard requests:      ${report.requests}`,
    `cold (first) request:    ${report.coldMs.toFixed(1)} ms`,
    `cached request, median:  ${report.cachedMedianMs.toFixed(3)} ms (${(report.coldMs / report.cachedMedianMs).toFixed(0)}× faster)`,
    `loader calls:            ${report.loaderCalls} for ${report.concurrentCallers} concurrent callers of one key`,
    `after invalidateTags:    ${report.reloadedAfterInvalidation ? 'reloaded fresh data' : 'STALE DATA SERVED'}`,
    '',
    describeStats(cache.stats()),
  ].join('\n'),
)
await cache.clear()
await cache.close()

function describeStats(stats: CacheStats): string {
  const lines = [
    `hit rate:                ${(stats.hitRate * 100).toFixed(1)} % (${stats.hits} hits, ${stats.misses} misses)`,
    `coalesced callers:       ${stats.coalesced}`,
    `L1 entries / bytes:      ${stats.l1.entries} / ${(stats.l1.bytes / 1024).toFixed(1)} KiB (cap ${(stats.l1.maxBytes / 1024 / 1024).toFixed(0)} MiB)`,
  ]
  if (stats.l2) {
    lines.push(
      `L2 hits / misses:        ${stats.l2.hits} / ${stats.l2.misses}`,
      `L2 latency p50 / p99:    ${stats.l2.latencyMs.p50} / ${stats.l2.latencyMs.p99} ms`,
      `compressed values:       ${stats.compression.compressed} (${stats.compression.codec}, ${(stats.compression.bytesSaved / 1024).toFixed(1)} KiB saved)`,
      `breaker:                 ${stats.l2.breaker}`,
    )
  }
  return lines.join('\n')
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
