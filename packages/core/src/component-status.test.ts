import type { TaskQueueAvailability } from '@bi-perf/tasks'
import { describe, expect, it } from 'vitest'
import { tasksStatus } from './component-status.js'

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
