import { measure } from './measure.js'
import type { BenchResult } from './report.js'
import {
  hasRedis,
  onlyComponents,
  skipSuite,
  type SuiteDefinition,
  type SuiteOutcome,
} from './suite.js'

/** A dashboard row set of about 1 KiB, the typical cached value. */
function dashboardRows(): Record<string, unknown>[] {
  return Array.from({ length: 8 }, (_, index) => ({
    region: ['north', 'south', 'east', 'west'][index % 4],
    product: `product-${index}`,
    orders: 1000 + index * 37,
    revenue: 125_000.5 + index * 1234.25,
    growth: 0.042 * (index + 1),
    updatedAt: '2026-11-28T12:00:00.000Z',
  }))
}

/**
 * The cache suite: `l1-hit` (in-process hit, ops/s) on this process's cache, and `l2-get`
 * (Redis get with the in-process tier off, 16 in flight, ops/s) when Redis is configured.
 */
export const cacheSuite: SuiteDefinition = {
  suite: 'cache',
  steps: ['l1-hit', 'l2-get'],
  async run(context): Promise<SuiteOutcome> {
    const cache = context.optimizer?.cache
    if (!cache) return skipSuite(this, context, 'the cache is disabled (cache.enabled: false)')
    const results: BenchResult[] = []
    const notes: string[] = []
    const namespace = `bi-perf-bench-${context.runId}`
    const value = dashboardRows()

    context.progress.step('cache l1-hit')
    if (context.config.cache.l1.enabled) {
      const view = cache.namespace(namespace)
      await view.set('dashboard', value)
      try {
        const run = await measure(() => view.get('dashboard'), {
          durationMs: context.durationMs,
          onProgress: (fraction) => context.progress.update(fraction),
        })
        results.push({
          suite: 'cache',
          name: 'l1-hit',
          unit: 'ops/s',
          value: run.opsPerSec,
          higherIsBetter: true,
        })
      } finally {
        await view.clear()
      }
    } else {
      notes.push('cache l1-hit skipped: the in-process tier is off (cache.l1.enabled: false)')
    }

    context.progress.step('cache l2-get')
    if (hasRedis(context.config)) {
      // A second cache without the in-process tier, so every get goes to Redis.
      const config = onlyComponents(context.config, { cache: true })
      const l2Only = await context.startOptimizer({
        ...config,
        cache: { ...config.cache, l1: { ...config.cache.l1, enabled: false } },
      })
      const view = l2Only.cache!.namespace(namespace)
      try {
        await view.set('dashboard', value)
        const run = await measure(() => view.get('dashboard'), {
          durationMs: context.durationMs,
          concurrency: 16,
          onProgress: (fraction) => context.progress.update(fraction),
        })
        results.push({
          suite: 'cache',
          name: 'l2-get',
          unit: 'ops/s',
          value: run.opsPerSec,
          higherIsBetter: true,
        })
      } finally {
        await view.clear()
        await l2Only.stop({ timeout: 5000 })
      }
    } else {
      notes.push('cache l2-get skipped: no Redis configured (redis.url / REDIS_URL)')
    }

    const l1 = results.find((result) => result.name === 'l1-hit')
    const l2 = results.find((result) => result.name === 'l2-get')
    return {
      results,
      notes,
      beforeAfter:
        l1 && l2
          ? [
              {
                title: 'cache get, 1 KiB',
                before: { label: 'Redis (L2)', result: l2 },
                after: { label: 'in-process (L1)', result: l1 },
              },
            ]
          : [],
    }
  },
}
