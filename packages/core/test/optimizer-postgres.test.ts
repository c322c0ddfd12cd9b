import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createOptimizer } from '../src/create-optimizer.js'
import type { Optimizer } from '../src/optimizer.js'
import { postgresUrl, redisUrl } from '@bi-perf/test-services'
import { testConfig } from './helpers.js'

const open: Optimizer[] = []

afterEach(async () => {
  for (const perf of open.splice(0)) await perf.stop()
})

/** Runs `count` queries of 300 ms at once and returns the most connections seen in use. */
async function peakConnections(perf: Optimizer, count: number): Promise<number> {
  const db = perf.db!
  let peak = 0
  const watch = setInterval(() => {
    peak = Math.max(peak, db.stats().pool.active)
  }, 10)
  try {
    await Promise.all(
      Array.from({ length: count }, () => sql`select pg_sleep(0.3)`.execute(db.kysely)),
    )
  } finally {
    clearInterval(watch)
  }
  return peak
}

describe('profiles on PostgreSQL and Redis', () => {
  it('raises the live pool size when the performance profile is applied', async () => {
    const perf = await createOptimizer(
      testConfig({ redis: { url: redisUrl() }, database: { url: postgresUrl() } }),
    )
    open.push(perf)
    await perf.start()
    expect(perf.db?.backend).toBe('postgres')
    expect(await peakConnections(perf, 15)).toBe(10)

    const change = await perf.applyProfile('performance')
    expect(change.changes).toContainEqual({ setting: 'database.pool.max', from: 10, to: 20 })
    expect(perf.db?.settings().pool.max).toBe(20)
    expect(await peakConnections(perf, 15)).toBe(15)
    expect(perf.metrics().db?.pool.max).toBe(20)
  })

  it('reports the database down, with the reason, when it cannot be reached', async () => {
    const perf = await createOptimizer(
      testConfig({
        database: {
          url: 'postgres://postgres@127.0.0.1:1/test',
          pool: { connectionTimeout: '500ms' },
        },
        tasks: { enabled: false },
      }),
    )
    open.push(perf)
    await perf.start()
    const status = perf.status()
    expect(status.components.db?.state).toBe('down')
    expect(status.components.db?.reasons.length).toBeGreaterThan(0)
    expect(status.state).toBe('down')
  })
})
