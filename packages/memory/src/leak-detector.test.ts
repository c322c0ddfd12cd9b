import { describe, expect, it } from 'vitest'
import { LeakDetector } from './leak-detector.js'

const MiB = 1024 * 1024

function feed(detector: LeakDetector, values: number[], stepMs = 1_000) {
  return values.map((heapUsed, i) => detector.add({ at: 10_000 + i * stepMs, heapUsed }))
}

describe('LeakDetector', () => {
  it('suspects a leak after the configured number of rising samples, with its rate', () => {
    const detector = new LeakDetector(5, MiB)
    const results = feed(
      detector,
      [10, 11, 12, 13, 14].map((n) => n * MiB),
    )
    expect(results.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined])
    const event = results[4]!
    expect(event.growthBytes).toBe(4 * MiB)
    expect(event.windowMs).toBe(4_000)
    // 1 MiB per second is 60 MiB per minute.
    expect(event.growthBytesPerMinute).toBeCloseTo(60 * MiB, 3)
    expect(event.samples.map((sample) => sample.heapUsed / MiB)).toEqual([10, 11, 12, 13, 14])
    expect(detector.suspicions).toBe(1)
    expect(detector.lastGrowthBytesPerMinute).toBe(event.growthBytesPerMinute)
  })

  it('starts over when a sample does not rise', () => {
    const detector = new LeakDetector(4, 0)
    const results = feed(
      detector,
      [10, 11, 12, 12, 13, 14].map((n) => n * MiB),
    )
    expect(results.every((result) => result === undefined)).toBe(true)
    expect(detector.risingSamples).toHaveLength(3)
    expect(detector.samplesTaken).toBe(6)
  })

  it('ignores rises smaller than the minimum growth', () => {
    const detector = new LeakDetector(5, MiB)
    const results = feed(
      detector,
      [0, 1, 2, 3, 4, 5, 6].map((n) => 50 * MiB + n * 100_000),
    )
    expect(results.every((result) => result === undefined)).toBe(true)
  })

  it('slides the window so a slow leak is caught once it has grown enough', () => {
    const detector = new LeakDetector(3, MiB)
    const results = feed(
      detector,
      [0, 0.3, 0.9, 1.5].map((n) => 50 * MiB + n * MiB),
    )
    expect(results[2]).toBeUndefined()
    expect(results[3]?.samples).toHaveLength(3)
    expect(results[3]?.growthBytes).toBeCloseTo(1.2 * MiB, 0)
  })

  it('needs a fresh rising run for the next suspicion', () => {
    const detector = new LeakDetector(3, 0)
    const results = feed(
      detector,
      [1, 2, 3, 4, 5].map((n) => n * MiB),
    )
    expect(results.map((result) => result !== undefined)).toEqual([false, false, true, false, true])
  })

  it('handles samples taken within the same millisecond', () => {
    const detector = new LeakDetector(3, 0)
    const event = feed(
      detector,
      [1, 2, 3].map((n) => n * MiB),
      0,
    )[2]!
    expect(Number.isFinite(event.growthBytesPerMinute)).toBe(true)
    expect(event.growthBytesPerMinute).toBeGreaterThan(0)
  })

  it('ignores growth while paused and needs a fresh run after the pause ends', () => {
    const detector = new LeakDetector(3, 0)
    feed(
      detector,
      [1, 2].map((n) => n * MiB),
    )
    const resume = detector.pause()
    expect(detector.paused).toBe(true)
    // A seed: the heap climbs fast, but no sample counts.
    expect(
      feed(
        detector,
        [3, 4, 5, 6].map((n) => n * MiB),
      ),
    ).toEqual([undefined, undefined, undefined, undefined])
    resume()
    resume()
    expect(detector.paused).toBe(false)
    // Two rising samples after the pause are not yet a run of three.
    expect(
      feed(
        detector,
        [7, 8].map((n) => n * MiB),
      ),
    ).toEqual([undefined, undefined])
    expect(detector.suspicions).toBe(0)
    expect(
      feed(
        detector,
        [9].map((n) => n * MiB),
      )[0],
    ).toBeDefined()
    expect(detector.lastSuspicionAt).toBeGreaterThan(0)
  })

  it('keeps pausing until every nested pause has ended', () => {
    const detector = new LeakDetector(3, 0)
    const first = detector.pause()
    const second = detector.pause()
    first()
    expect(detector.paused).toBe(true)
    second()
    expect(detector.paused).toBe(false)
  })
})
