import { randomUUID } from 'node:crypto'
import { afterEach } from 'vitest'
import type { BiPerfConfigInput } from '../src/config/schema.js'
import { createOptimizer } from '../src/create-optimizer.js'
import type { Optimizer } from '../src/optimizer.js'

/** A prefix / queue name no other run uses. */
export function uniqueName(label: string): string {
  return `core-${label}-${randomUUID().slice(0, 8)}`
}

/**
 * A configuration for tests: a unique Redis prefix and queue, a fast monitor, every component
 * on unless overridden.
 */
export function testConfig(overrides: BiPerfConfigInput = {}): BiPerfConfigInput {
  const name = uniqueName('opt')
  return {
    ...overrides,
    redis: { prefix: name, ...overrides.redis },
    tasks: { queue: name, ...overrides.tasks },
    monitor: { interval: '200ms', ...overrides.monitor },
  }
}

/**
 * A starter of optimizers for one test file: each one started is stopped after its test, its
 * cache cleared first so the shared Redis keeps nothing of the test.
 *
 * @example
 * const started = startedOptimizers()
 * it('…', async () => { const perf = await started(testConfig({ tasks: { enabled: false } })) })
 */
export function startedOptimizers(): (config?: BiPerfConfigInput) => Promise<Optimizer> {
  const open: Optimizer[] = []
  afterEach(async () => {
    for (const perf of open.splice(0)) {
      await perf.cache?.clear()
      await perf.stop()
    }
  })
  return async (config = testConfig()) => {
    const perf = await createOptimizer(config)
    open.push(perf)
    await perf.start()
    return perf
  }
}

/** A loopback port nothing listens on (bound, read, released). */
export { freePort as closedPort } from '@bi-perf/test-services'
