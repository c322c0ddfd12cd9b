import { describe, expect, it } from 'vitest'
import type { Optimizer } from '../src/optimizer.js'
import { waitFor } from '@bi-perf/test-services'
import { startedOptimizers, testConfig } from './helpers.js'

const start = startedOptimizers()

function started(leakWarmup: string): Promise<Optimizer> {
  return start(
    testConfig({
      database: { enabled: false },
      tasks: { enabled: false },
      recommendations: { leakWarmup },
    }),
  )
}

describe('leak detection warm-up and bulk loads', () => {
  it('pauses leak detection for the warm-up after start', async () => {
    const perf = await started('10m')
    expect(perf.memory!.stats().leak.paused).toBe(true)
    expect(perf.status().components.memory).toEqual({ state: 'ok', reasons: [] })
    expect(perf.recommendations().map((item) => item.id)).not.toContain('memory.leak-suspected')
  })

  it('resumes detection once the warm-up is over', async () => {
    const perf = await started('0ms')
    await waitFor(() => !perf.memory!.stats().leak.paused)
  })

  it('pauses detection while a bulk load runs, and resumes after it, even when it fails', async () => {
    const perf = await started('0ms')
    await waitFor(() => !perf.memory!.stats().leak.paused)
    const during = await perf.bulkLoad(() => perf.memory!.stats().leak.paused)
    expect(during).toBe(true)
    expect(perf.memory!.stats().leak.paused).toBe(false)
    await expect(perf.bulkLoad(() => Promise.reject(new Error('seed failed')))).rejects.toThrow(
      'seed failed',
    )
    expect(perf.memory!.stats().leak.paused).toBe(false)
  })
})
