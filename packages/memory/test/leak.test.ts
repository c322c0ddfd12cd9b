import { describe, expect, it } from 'vitest'
import type { LeakSuspectedEvent, MemoryStats } from '../src/index.js'
import { runFixture } from './helpers.js'

// Each child runs 20 rounds of allocate-then-full-GC; leak-suspected needs 5 rising samples
// that grow by at least 1 MiB in total.
const nodeArgs = ['--expose-gc']

describe('leak suspicion from heap use after major GCs', { timeout: 90_000 }, () => {
  it('raises leak-suspected with the growth rate for a leaking child', async () => {
    const { code, lines, stderr } = await runFixture('leak-child', { nodeArgs, args: ['leak'] })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const suspicions = lines
      .filter((line) => line.type === 'leak-suspected')
      .map((line) => line.event as LeakSuspectedEvent)
    expect(suspicions.length).toBeGreaterThanOrEqual(1)
    const [first] = suspicions
    expect(first!.samples).toHaveLength(5)
    for (let i = 1; i < first!.samples.length; i++) {
      expect(first!.samples[i]!.heapUsed).toBeGreaterThan(first!.samples[i - 1]!.heapUsed)
    }
    expect(first!.growthBytes).toBeGreaterThanOrEqual(1024 * 1024)
    expect(first!.growthBytes).toBe(first!.samples[4]!.heapUsed - first!.samples[0]!.heapUsed)
    expect(first!.growthBytesPerMinute).toBeGreaterThan(0)
    const stats = lines.find((line) => line.type === 'stats')!.stats as MemoryStats
    expect(stats.leak.suspicions).toBe(suspicions.length)
    expect(stats.leak.samplesTaken).toBeGreaterThanOrEqual(20)
    expect(stats.leak.lastGrowthBytesPerMinute).toBe(suspicions.at(-1)!.growthBytesPerMinute)
  })

  it('stays quiet for a steady child that allocates as much but keeps nothing', async () => {
    const { code, lines, stderr } = await runFixture('leak-child', { nodeArgs, args: ['steady'] })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(lines.filter((line) => line.type === 'leak-suspected')).toEqual([])
    const stats = lines.find((line) => line.type === 'stats')!.stats as MemoryStats
    // It did see the major GCs, so the silence is a verdict, not a lack of samples.
    expect(stats.leak.samplesTaken).toBeGreaterThanOrEqual(20)
    expect(stats.gc.major.count).toBeGreaterThanOrEqual(20)
    expect(stats.leak.suspicions).toBe(0)
  })
})
