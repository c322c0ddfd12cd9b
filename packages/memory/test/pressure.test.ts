import { describe, expect, it } from 'vitest'
import type { MemoryStats, PressureEvent } from '../src/index.js'
import { runFixture, type Line } from './helpers.js'

// The child has --max-old-space-size=64 (V8 heap limit 112 MiB with the young generation), soft
// 0.25 and hard 0.4, and grows a retained heap until it has seen two hard actions.
const run = runFixture('pressure-child', { nodeArgs: ['--max-old-space-size=64', '--expose-gc'] })

function events(lines: Line[]): PressureEvent[] {
  return lines.filter((line) => line.type === 'pressure').map((line) => line.event as PressureEvent)
}

describe('pressure in a child with a small heap and --expose-gc', { timeout: 90_000 }, () => {
  it('exits cleanly after two hard actions', async () => {
    const { code, lines, stderr } = await run
    expect(stderr).toBe('')
    expect(lines.find((line) => line.type === 'timeout')).toBeUndefined()
    expect(code).toBe(0)
  })

  it('runs the soft hook first, awaiting an async hook before reporting', async () => {
    const { lines } = await run
    const types = lines.map((line) => line.type)
    const firstSoft = types.indexOf('pressure')
    expect(types.slice(0, firstSoft + 1)).toEqual(['soft-hook-start', 'soft-hook-done', 'pressure'])
    const soft = events(lines)[0]!
    expect(soft.level).toBe('soft')
    expect(soft.ratio).toBeGreaterThanOrEqual(0.25)
    expect(soft.hooks).toEqual({ run: 1, failed: 0, timedOut: 0 })
    expect(soft.gc).toBe('none')
  })

  it('runs the hard hook and forces a GC, with heap figures before and after', async () => {
    const { lines } = await run
    const hard = events(lines).filter((event) => event.level === 'hard')
    expect(hard).toHaveLength(2)
    const [first] = hard
    expect(first!.gc).toBe('forced')
    expect(first!.before.ratio).toBeGreaterThanOrEqual(0.4)
    expect(first!.before.ratio).toBeCloseTo(first!.before.used / first!.before.limit, 10)
    expect(first!.hooks.run).toBe(1)
    // The hook dropped the retained arrays and the forced GC reclaimed them.
    expect(first!.after.used).toBeLessThan(first!.before.used / 2)
    expect(first!.after.ratio).toBeLessThan(0.25)
  })

  it('does not force a second GC within minGcInterval', async () => {
    const { lines } = await run
    const hard = events(lines).filter((event) => event.level === 'hard')
    expect(hard[1]!.gc).toBe('rate-limited')
    expect(hard[1]!.hooks.run).toBe(1)
  })

  it('acts once per crossing: each hard action follows a fall below the limit', async () => {
    const { lines } = await run
    const all = events(lines)
    // Soft, hard (heap drops), soft again on the way up, hard again.
    expect(all.map((event) => event.level)).toEqual(['soft', 'hard', 'soft', 'hard'])
    expect(lines.filter((line) => line.type === 'hard-hook')).toHaveLength(2)
    expect(lines.filter((line) => line.type === 'soft-hook-done')).toHaveLength(2)
  })

  it('counts the forced GC, the GCs by kind and every action in stats', async () => {
    const { lines } = await run
    const stats = lines.find((line) => line.type === 'stats')!.stats as MemoryStats
    expect(stats.gc.available).toBe(true)
    expect(stats.gc.forcedByManager).toBe(1)
    expect(stats.gc.forced).toBeGreaterThanOrEqual(1)
    expect(stats.gc.major.count).toBeGreaterThanOrEqual(1)
    expect(stats.gc.minor.count).toBeGreaterThan(0)
    expect(stats.gc.pauseMs).toBeGreaterThan(0)
    expect(stats.pressure.soft).toMatchObject({ actions: 2, hooksRun: 2, hookErrors: 0, hooks: 1 })
    expect(stats.pressure.hard).toMatchObject({
      actions: 2,
      hooksRun: 2,
      gcForced: 1,
      gcRateLimited: 1,
      gcUnavailable: 0,
    })
    expect(stats.pressure.checks).toBeGreaterThan(4)
    expect(stats.heap.v8Limit).toBeGreaterThan(64 * 1024 * 1024)
    expect(stats.heap.v8Limit).toBeLessThan(256 * 1024 * 1024)
  })
})
