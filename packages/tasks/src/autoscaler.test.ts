import { describe, expect, it } from 'vitest'
import { Autoscaler, decideConcurrency, type ScaleInput, type ScalePolicy } from './autoscaler.js'

const policy: ScalePolicy = {
  min: 5,
  max: 50,
  cooldown: 1000,
  backlogPerSlot: 2,
  maxWait: 2000,
  maxCpu: 0.9,
  maxEventLoopDelay: 100,
}
const at = (input: Partial<ScaleInput>): ScaleInput => ({
  now: 100_000,
  current: 5,
  lastChangeAt: 0,
  backlog: 0,
  oldestWaitMs: 0,
  active: 0,
  ...input,
})

describe('decideConcurrency', () => {
  it('scales up towards backlog / backlogPerSlot, at most four times per step', () => {
    expect(decideConcurrency(at({ backlog: 30, active: 5 }), policy)).toEqual({
      to: 15,
      reason: 'backlog',
    })
    expect(decideConcurrency(at({ backlog: 5000, active: 5 }), policy)).toEqual({
      to: 20,
      reason: 'backlog',
    })
    expect(decideConcurrency(at({ current: 40, backlog: 5000 }), policy)).toEqual({
      to: 50,
      reason: 'backlog',
    })
  })

  it('scales up when the oldest task waited too long even with a short backlog', () => {
    expect(decideConcurrency(at({ backlog: 4, oldestWaitMs: 2500, active: 5 }), policy)).toEqual({
      to: 8,
      reason: 'wait',
    })
  })

  it('never goes past max or below min', () => {
    expect(decideConcurrency(at({ current: 50, backlog: 10_000 }), policy)).toBeUndefined()
    expect(decideConcurrency(at({ current: 5 }), policy)).toBeUndefined()
  })

  it('holds during the cooldown, and twice the cooldown before scaling down', () => {
    const busy = at({ backlog: 100, lastChangeAt: 100_000 - 500 })
    expect(decideConcurrency(busy, policy)).toBeUndefined()
    const idle = at({ current: 40, lastChangeAt: 100_000 - 1500 })
    expect(decideConcurrency(idle, policy)).toBeUndefined()
    expect(decideConcurrency({ ...idle, lastChangeAt: 100_000 - 2000 }, policy)).toEqual({
      to: 20,
      reason: 'idle',
    })
  })

  it('does not scale down while at least half the slots are busy', () => {
    expect(decideConcurrency(at({ current: 20, active: 12 }), policy)).toBeUndefined()
  })

  it('steps down and refuses to scale up when CPU or event-loop delay is over the limit', () => {
    expect(decideConcurrency(at({ current: 40, backlog: 1000, cpu: 0.95 }), policy)).toEqual({
      to: 30,
      reason: 'cpu',
    })
    expect(
      decideConcurrency(at({ current: 40, backlog: 1000, eventLoopDelayMs: 250 }), policy),
    ).toEqual({ to: 30, reason: 'event-loop' })
    expect(decideConcurrency(at({ current: 5, backlog: 1000, cpu: 1 }), policy)).toBeUndefined()
  })

  it('does not oscillate on a steady load near a threshold', () => {
    let current = 5
    let lastChangeAt = 0
    let changes = 0
    for (let second = 0; second < 60; second++) {
      const now = 100_000 + second * 1000
      const backlog = second % 2 === 0 ? 0 : 30
      const change = decideConcurrency(
        at({ now, current, lastChangeAt, backlog, active: current }),
        { ...policy, cooldown: 5000 },
      )
      if (change) {
        current = change.to
        lastChangeAt = now
        changes++
      }
    }
    expect(changes).toBeLessThanOrEqual(2)
  })
})

describe('Autoscaler', () => {
  it('applies decisions, records them with their inputs, and skips overlapping ticks', async () => {
    const applied: number[] = []
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    let reads = 0
    const scaler = new Autoscaler(
      { ...policy, interval: 60_000 },
      {
        read: async () => {
          if (reads++ === 0) await slow
          return { backlog: 100, oldestWaitMs: 0, active: 5, current: 5 }
        },
        apply: (decision) => applied.push(decision.to),
        onError: (error) => {
          throw error
        },
      },
      () => ({ cpu: 0.2 }),
    )
    scaler.start()
    const first = scaler.tick()
    expect(await scaler.tick()).toBeUndefined()
    release()
    expect(await first).toMatchObject({
      from: 5,
      to: 20,
      reason: 'backlog',
      cpu: 0.2,
      backlog: 100,
    })
    expect(applied).toEqual([20])
    scaler.stop()
    scaler.stop()
    expect(await scaler.tick()).toBeUndefined()
  })

  it('decides within bounds moved by setBounds on its next tick', async () => {
    const scaler = new Autoscaler(
      { ...policy, min: 1, max: 2, cooldown: 0, interval: 60_000 },
      {
        read: () => Promise.resolve({ backlog: 100, oldestWaitMs: 0, active: 1, current: 1 }),
        apply: () => {},
        onError: (error) => {
          throw error
        },
      },
    )
    scaler.start()
    expect(scaler.running).toBe(true)
    expect(await scaler.tick()).toMatchObject({ to: 2 })
    scaler.setBounds(1, 8)
    expect(await scaler.tick()).toMatchObject({ to: 4, reason: 'backlog' })
    scaler.stop()
    expect(scaler.running).toBe(false)
  })
})
