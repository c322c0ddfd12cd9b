import type { TaskQueueAvailability } from '@bi-perf/tasks'
import { describe, expect, it } from 'vitest'
import { memoryStatus, tasksStatus } from './component-status.js'
import { leakVerdict } from './leak-verdict.js'
import { GiB, MiB, T0, buildMetrics } from '../test/fixtures/metrics-feed.js'

const reachable: TaskQueueAvailability = {
  available: true,
  connection: 'ready',
  breaker: 'closed',
  downSince: null,
  reason: null,
}

describe('tasksStatus', () => {
  it('is down at once while Redis is known to be away, before any sample fails', () => {
    const status = tasksStatus(undefined, undefined, {
      available: false,
      connection: 'reconnecting',
      breaker: 'closed',
      downSince: Date.UTC(2026, 0, 1),
      reason: 'the connection to Redis was lost',
    })
    expect(status.state).toBe('down')
    expect(status.reasons[0]).toContain('since 2026-01-01T00:00:00.000Z')
    expect(status.reasons[0]).toContain('connection reconnecting')
    expect(status.reasons[0]).toContain('E_TASKS_UNAVAILABLE')
  })

  it('is down with an open breaker on a live connection', () => {
    const status = tasksStatus(undefined, undefined, {
      ...reachable,
      available: false,
      breaker: 'open',
      downSince: 1,
      reason: 'Redis did not answer within 500 ms',
    })
    expect(status).toMatchObject({ state: 'down' })
    expect(status.reasons[0]).toContain('circuit open')
  })

  it('is down when the last status read failed', () => {
    const status = tasksStatus(undefined, new Error('status failed'), reachable)
    expect(status).toEqual({ state: 'down', reasons: ['cannot read the queue: status failed'] })
  })

  it('is ok while Redis is reachable and nothing failed', () => {
    expect(tasksStatus(undefined, undefined, reachable)).toEqual({ state: 'ok', reasons: [] })
  })
})

describe('memoryStatus', () => {
  /** Memory figures of a process up `uptimeMinutes` whose heap after GC grows `growthMiB`/min. */
  function leaking(growthMiB: number, usedGiB: number, uptimeMinutes: number, paused = false) {
    const now = T0 + uptimeMinutes * 60_000
    const stats = buildMetrics({
      memory: {
        at: now,
        heap: { used: usedGiB * GiB, limit: 4 * GiB, ratio: usedGiB / 4 },
        leak: {
          suspicions: 1,
          lastGrowthBytesPerMinute: growthMiB * MiB,
          lastSuspicionAt: now - 30_000,
          paused,
        },
      },
    }).memory!
    return leakVerdict(stats, { hardLimit: 0.85, uptimeMs: uptimeMinutes * 60_000 })
  }

  it('is not degraded by a leak suspicion on a fresh start or while a seed runs (issue 17)', () => {
    // 234.5 MiB/min on a 34 MiB heap, two minutes after start: the demo seed.
    expect(memoryStatus(buildMetrics().memory!, leaking(234.5, 0.033, 2))).toEqual({
      state: 'ok',
      reasons: [],
    })
    expect(memoryStatus(buildMetrics().memory!, leaking(234.5, 0.5, 30, true)).state).toBe('ok')
  })

  it('is not degraded by a slow drift that leaves days before the hard limit', () => {
    expect(memoryStatus(buildMetrics().memory!, leaking(5, 1, 60)).state).toBe('ok')
  })

  it('is degraded when the growth reaches the hard limit within hours, with the time left', () => {
    const status = memoryStatus(buildMetrics().memory!, leaking(50, 3, 60))
    expect(status.state).toBe('degraded')
    expect(status.reasons).toEqual([
      'heap after GC keeps growing (50 MiB/min): leak suspected, the hard limit (3.4 GiB) is about 8 min away',
    ])
  })
})
