import { describe, expect, it } from 'vitest'
import { runFixture } from './helpers.js'

describe('process lifecycle', () => {
  it('never keeps a process alive: the timer and the histogram are unref’d', async () => {
    // The fixture leaves a running monitor behind and returns; a ref'd timer would hang it
    // until the kill after 30 s (exit code null).
    const result = await runFixture('exits-while-running.ts')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ running: true, samples: 1 })
  })

  it('ends all work on stop(): no more samples, no open /proc files, nothing on the loop', async () => {
    const result = await runFixture('stop-ends-work.ts')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as Record<string, unknown>
    expect(report.whileRunning).toEqual(
      expect.arrayContaining(['/proc/stat', '/proc/meminfo', '/proc/diskstats']),
    )
    expect(report).toMatchObject({
      running: false,
      samplesAfterStop: 0,
      afterStop: [],
      resources: [],
    })
  })

  it('surfaces a throwing listener as an uncaught exception and keeps sampling', async () => {
    const result = await runFixture('listener-throws.ts')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as { caught: string[]; samples: number }
    expect(report.caught).toEqual(['listener bug'])
    expect(report.samples).toBeGreaterThanOrEqual(3)
  })
})
