import { getHeapStatistics } from 'node:v8'
import { waitFor } from '@bi-perf/test-services'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryManager } from './create-memory-manager.js'
import {
  HookTimeoutError,
  InvalidArgumentError,
  InvalidOptionError,
  MemoryManagerClosedError,
} from './errors.js'
import type {
  HookErrorEvent,
  MemoryManager,
  MemoryManagerOptions,
  PressureEvent,
  PressureLevel,
} from './types.js'

// The ratio is heap used over `heapLimit`: with a 1 MiB limit this process is far above any
// limit, with 1 TiB far below. The heap figures are V8's own; only the denominator is chosen.
const ABOVE = { heapLimit: 1024 * 1024 }
const BELOW = { heapLimit: 2 ** 40 }
const gcKind = typeof globalThis.gc === 'function' ? 'forced' : 'unavailable'

const opened: MemoryManager[] = []
afterEach(() => {
  for (const memory of opened.splice(0)) memory.close()
})

function manager(options: MemoryManagerOptions = {}): MemoryManager {
  const memory = createMemoryManager({ ...BELOW, ...options })
  opened.push(memory)
  return memory
}

function record(memory: MemoryManager) {
  const calls: PressureLevel[] = []
  const events: PressureEvent[] = []
  memory.onPressure('soft', () => void calls.push('soft'))
  memory.onPressure('hard', () => void calls.push('hard'))
  memory.on('pressure', (event) => events.push(event))
  return { calls, events }
}

function churn(rounds = 20) {
  let last: unknown
  for (let round = 0; round < rounds; round++) {
    last = Array.from({ length: 50_000 }, (_, i) => ({ i, s: `x${i}` }))
  }
  return last
}

describe('pressure actions', () => {
  it('runs soft then hard hooks once when both limits are crossed', async () => {
    const memory = manager({ rearmInterval: '1h' })
    const { calls } = record(memory)
    memory.configure(ABOVE)
    expect(await memory.check()).toBe('hard')
    await memory.check()
    await memory.check()
    expect(calls).toEqual(['soft', 'hard'])
    const { pressure } = memory.stats()
    expect(pressure.soft).toMatchObject({ actions: 1, hooksRun: 1, hooks: 1, armed: false })
    expect(pressure.hard).toMatchObject({ actions: 1, hooksRun: 1, hooks: 1, armed: false })
  })

  it('emits each action with heap figures before and after', async () => {
    const memory = manager()
    const { events } = record(memory)
    const started = Date.now()
    memory.configure(ABOVE)
    await memory.check()
    expect(events.map((event) => event.level)).toEqual(['soft', 'hard'])
    for (const event of events) {
      expect(event.trigger).toBe('manual')
      expect(event.before.limit).toBe(ABOVE.heapLimit)
      expect(event.before.used).toBeGreaterThan(0)
      expect(event.before.ratio).toBe(event.before.used / event.before.limit)
      expect(event.ratio).toBe(event.before.ratio)
      expect(event.after.used).toBeGreaterThan(0)
      expect(event.after.total).toBeGreaterThanOrEqual(event.after.used)
      expect(event.hooks).toEqual({ run: 1, failed: 0, timedOut: 0 })
      expect(event.at).toBeGreaterThanOrEqual(started)
      expect(event.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(events[0]!.gc).toBe('none')
    expect(events[1]!.gc).toBe(gcKind)
    expect(memory.stats().pressure.hard.gcUnavailable).toBe(gcKind === 'unavailable' ? 1 : 0)
  })

  it('acts again after the ratio fell below the limit minus the hysteresis', async () => {
    const memory = manager({ rearmInterval: '1h' })
    const { calls } = record(memory)
    memory.configure(ABOVE)
    await memory.check()
    memory.configure(BELOW)
    expect(await memory.check()).toBe('normal')
    expect(memory.stats().pressure.soft.armed).toBe(true)
    memory.configure(ABOVE)
    await memory.check()
    expect(calls).toEqual(['soft', 'hard', 'soft', 'hard'])
  })

  it('does not re-arm while the ratio stays within the hysteresis band', async () => {
    const memory = manager({
      softLimit: 0.5,
      hardLimit: 0.99,
      hysteresis: 0.3,
      rearmInterval: '1h',
    })
    const { calls } = record(memory)
    const at = (ratio: number) =>
      memory.configure({ heapLimit: Math.round(getHeapStatistics().used_heap_size / ratio) })
    at(0.75)
    await memory.check()
    // 0.4 is below the 0.5 limit but not below 0.5 - 0.3 (wide margins: a scavenge between
    // reading the heap and checking must not move the ratio out of the band).
    at(0.4)
    await memory.check()
    expect(memory.stats().pressure.soft.armed).toBe(false)
    at(0.75)
    await memory.check()
    expect(calls).toEqual(['soft'])
  })

  it('runs the hooks again after rearmInterval while the ratio stays above', async () => {
    const memory = manager({ rearmInterval: '20ms' })
    const { calls } = record(memory)
    memory.configure(ABOVE)
    await waitFor(
      () => {
        void memory.check()
        return calls.filter((level) => level === 'soft').length >= 2
      },
      { what: 'a second soft action', timeoutMs: 10_000 },
    )
    expect(memory.stats().pressure.soft.actions).toBeGreaterThanOrEqual(2)
  })

  it('awaits async hooks and reports throwing, rejecting and slow ones without throwing', async () => {
    const memory = manager({ hookTimeout: '50ms' })
    const errors: HookErrorEvent[] = []
    const events: PressureEvent[] = []
    let asyncDone = false
    memory.on('hook-error', (event) => errors.push(event))
    memory.on('pressure', (event) => events.push(event))
    memory.onPressure('soft', () => {
      throw new Error('sync failure')
    })
    memory.onPressure('soft', () => Promise.reject(new Error('async failure')))
    memory.onPressure('soft', () => new Promise<void>(() => {}))
    memory.onPressure('soft', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      asyncDone = true
    })
    memory.configure(ABOVE)
    await expect(memory.check()).resolves.toBe('hard')
    expect(asyncDone).toBe(true)
    const soft = events.find((event) => event.level === 'soft')!
    expect(soft.hooks).toEqual({ run: 4, failed: 2, timedOut: 1 })
    expect(errors.map((event) => [event.level, event.timedOut])).toEqual([
      ['soft', false],
      ['soft', false],
      ['soft', true],
    ])
    expect(errors.map((event) => (event.error as Error).message).slice(0, 2)).toEqual([
      'sync failure',
      'async failure',
    ])
    expect(errors[2]!.error).toBeInstanceOf(HookTimeoutError)
    expect(errors[2]!.error).toMatchObject({ code: 'E_MEMORY_HOOK_TIMEOUT', timeoutMs: 50 })
    expect(memory.stats().pressure.soft).toMatchObject({ hookErrors: 2, hookTimeouts: 1 })
  })

  it('no longer runs a hook after its unsubscribe', async () => {
    const memory = manager({ rearmInterval: '1h' })
    let runs = 0
    const off = memory.onPressure('soft', () => void runs++)
    off()
    off()
    memory.configure(ABOVE)
    await memory.check()
    expect(runs).toBe(0)
    expect(memory.stats().pressure.soft).toMatchObject({ actions: 1, hooksRun: 0, hooks: 0 })
  })

  it('keeps calling other listeners when one throws, and counts it', async () => {
    const memory = manager()
    const seen: string[] = []
    const warning = new Promise<Error>((resolve) => {
      const listener = (warning: Error) => {
        if (warning.name !== 'MemoryListenerWarning') return
        process.off('warning', listener)
        resolve(warning)
      }
      process.on('warning', listener)
    })
    memory.on('pressure', () => {
      throw new Error('listener bug')
    })
    memory.on('pressure', (event) => seen.push(event.level))
    memory.configure(ABOVE)
    await memory.check()
    expect(seen).toEqual(['soft', 'hard'])
    expect(memory.stats().pressure.listenerErrors).toBe(2)
    expect((await warning).message).toMatch(/listener bug/)
  })

  it('drops idle pool objects on pressure according to drainOn', async () => {
    const memory = manager({ softLimit: 0.1, hardLimit: 0.99, rearmInterval: '1h' })
    const events = record(memory).events
    const fill = (drainOn: 'soft' | 'hard' | 'never') => {
      const pool = memory.createPool({ create: () => ({}), name: drainOn, drainOn })
      const out = [pool.acquire(), pool.acquire(), pool.acquire()]
      for (const object of out) pool.release(object)
      return pool
    }
    const pools = [fill('soft'), fill('hard'), fill('never')]
    memory.configure({ heapLimit: getHeapStatistics().used_heap_size * 3 })
    expect(await memory.check()).toBe('soft')
    expect(pools.map((pool) => pool.stats().idle)).toEqual([0, 3, 3])
    expect(events[0]!.poolObjectsDropped).toBe(3)
    memory.configure(ABOVE)
    await memory.check()
    expect(pools.map((pool) => pool.stats().idle)).toEqual([0, 0, 3])
    expect(events.at(-1)).toMatchObject({ level: 'hard', poolObjectsDropped: 3 })
    expect(memory.stats().pools.map((pool) => [pool.name, pool.drained])).toEqual([
      ['soft', 3],
      ['hard', 3],
      ['never', 0],
    ])
  })
})

describe('heap and GC tracking', () => {
  it('counts GCs by kind and checks pressure after them', async () => {
    const memory = manager()
    await waitFor(
      () => {
        churn(5)
        const { gc, pressure } = memory.stats()
        return gc.minor.count > 0 && pressure.gcChecks > 0
      },
      { what: 'a scavenge and the check after it', timeoutMs: 10_000 },
    )
    const { gc } = memory.stats()
    expect(gc.count).toBeGreaterThanOrEqual(gc.minor.count)
    expect(gc.minor.pauseMs).toBeGreaterThan(0)
    expect(gc.minor.maxPauseMs).toBeLessThanOrEqual(gc.minor.pauseMs)
    expect(gc.available).toBe(typeof globalThis.gc === 'function')
    expect(gc.forcedByManager).toBe(0)
  })

  it('acts on a crossing seen by the check after a GC', async () => {
    // A short rearmInterval, so an action started by the timer first does not end the test.
    const memory = manager({ ...ABOVE, rearmInterval: '10ms' })
    const { events } = record(memory)
    await waitFor(
      () => {
        churn(5)
        return events.some((event) => event.trigger === 'gc')
      },
      { what: 'a pressure action started after a GC', timeoutMs: 10_000 },
    )
  })

  it('reports plain, serializable stats with the heap and its spaces', () => {
    const memory = manager({ heapLimit: undefined })
    const stats = memory.stats()
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats)
    const v8 = getHeapStatistics()
    expect(stats.heap.limit).toBe(v8.heap_size_limit)
    expect(stats.heap.v8Limit).toBe(v8.heap_size_limit)
    expect(stats.heap.ratio).toBe(stats.heap.used / stats.heap.limit)
    expect(stats.heap.rss).toBeGreaterThan(stats.heap.used)
    expect(stats.heap.nativeContexts).toBeGreaterThanOrEqual(1)
    expect(stats.level).toBe('normal')
    const names = stats.spaces.map((space) => space.name)
    expect(names).toEqual(expect.arrayContaining(['new_space', 'old_space', 'code_space']))
    for (const space of stats.spaces) expect(space.used).toBeLessThanOrEqual(space.size)
    expect(stats.settings).toEqual({
      softLimit: 0.7,
      hardLimit: 0.85,
      hysteresis: 0.05,
      minGcInterval: 30_000,
      checkInterval: 1_000,
      rearmInterval: 60_000,
      hookTimeout: 5_000,
      heapLimit: null,
      leakDetection: true,
      leakSamples: 5,
      leakMinGrowth: 1_048_576,
    })
    expect(stats.snapshots).toEqual({
      written: 0,
      failed: 0,
      inProgress: false,
      lastPath: null,
      lastAt: 0,
      lastDurationMs: 0,
    })
    expect(stats.leak).toMatchObject({ paused: false, lastSuspicionAt: 0, suspicions: 0 })
    expect(stats.closed).toBe(false)
  })
})

describe('configure', () => {
  it('changes limits at run time and returns the settings', () => {
    const memory = manager()
    const settings = memory.configure({ softLimit: 0.8, hardLimit: 0.9, minGcInterval: '1m' })
    expect(settings).toMatchObject({ softLimit: 0.8, hardLimit: 0.9, minGcInterval: 60_000 })
    expect(memory.stats().settings).toEqual(settings)
    // Fields not given keep their value.
    expect(memory.configure({ hookTimeout: 100 })).toMatchObject({
      softLimit: 0.8,
      hookTimeout: 100,
    })
  })

  it('changes nothing when the result is invalid', () => {
    const memory = manager()
    const before = memory.stats().settings
    expect(() => memory.configure({ softLimit: 0.9 })).toThrow(InvalidOptionError)
    expect(() => memory.configure({ softLimit: 0.9 })).toThrow(/softLimit.*below hardLimit/)
    expect(() => memory.configure({ bogus: 1 } as MemoryManagerOptions)).toThrow(/bogus/)
    expect(() => memory.configure(null as unknown as MemoryManagerOptions)).toThrow(
      InvalidArgumentError,
    )
    expect(memory.stats().settings).toEqual(before)
  })

  it('restarts the timer with a new checkInterval', async () => {
    const memory = manager()
    memory.configure({ checkInterval: '20ms' })
    const checks = memory.stats().pressure.checks
    await waitFor(() => memory.stats().pressure.checks >= checks + 3, {
      what: 'three timer checks',
      timeoutMs: 10_000,
    })
  })

  it('turns leak detection off', () => {
    const memory = manager()
    expect(memory.configure({ leakDetection: false }).leakDetection).toBe(false)
    expect(memory.stats().leak.enabled).toBe(false)
  })
})

describe('arguments and lifecycle', () => {
  it('rejects bad arguments with typed errors naming them', () => {
    const memory = manager()
    expect(() => memory.onPressure('medium' as PressureLevel, () => {})).toThrow(
      expect.objectContaining({ code: 'E_MEMORY_INVALID_ARGUMENT', argument: 'level' }),
    )
    expect(() => memory.onPressure('soft', 1 as never)).toThrow(/hook/)
    expect(() => memory.on('nope' as 'pressure', () => {})).toThrow(/event.*pressure/)
    expect(() => memory.createPool({ create: 1 as never })).toThrow(InvalidOptionError)
  })

  it('closes idempotently and refuses work afterwards', async () => {
    const memory = manager()
    const { events } = record(memory)
    memory.close()
    memory.close()
    expect(memory.stats().closed).toBe(true)
    await expect(memory.check()).rejects.toThrow(MemoryManagerClosedError)
    expect(() => memory.configure(ABOVE)).toThrow(MemoryManagerClosedError)
    expect(() => memory.onPressure('soft', () => {})).toThrow(/closed/)
    expect(() => memory.createPool({ create: () => ({}) })).toThrow(MemoryManagerClosedError)
    await expect(memory.writeHeapSnapshot('.')).rejects.toMatchObject({ code: 'E_MEMORY_CLOSED' })
    churn(5)
    expect(events).toEqual([])
    expect(memory.stats().pressure.checks).toBe(0)
  })
})
