import {
  ComponentDisabledError,
  InvalidArgumentError,
  InvalidDurationError,
  UnknownProfileError,
} from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { mapCoreError } from './error-handler.js'

describe('mapCoreError', () => {
  it('maps an unknown profile to 400 with the valid profiles', () => {
    expect(mapCoreError(new UnknownProfileError('turbo', ['balanced', 'memory']))).toMatchObject({
      status: 400,
      code: 'E_CORE_UNKNOWN_PROFILE',
      details: { validProfiles: ['balanced', 'memory'] },
    })
  })

  it('maps a disabled component to 409', () => {
    expect(mapCoreError(new ComponentDisabledError('cache'))).toMatchObject({
      status: 409,
      details: { component: 'cache' },
    })
  })

  it('maps an invalid argument to 400 naming it', () => {
    expect(
      mapCoreError(new InvalidArgumentError('options.pattern', '', 'must not be empty')),
    ).toMatchObject({
      status: 400,
      details: { field: 'options.pattern', argument: 'options.pattern' },
    })
  })

  it('maps an invalid option or duration to 400 under its own code, naming the field', () => {
    expect(
      mapCoreError(new InvalidDurationError('options.ttl', 'soon', 'expected a duration')),
    ).toMatchObject({
      status: 400,
      code: 'E_CORE_INVALID_DURATION',
      details: { field: 'options.ttl' },
    })
  })

  it('maps a task queue outage to 503 with Retry-After in whole seconds and the task ids', () => {
    const error = Object.assign(
      new Error('enqueue failed: Redis connection failed: ECONNREFUSED'),
      {
        code: 'E_TASKS_UNAVAILABLE',
        taskIds: ['a-1', 'a-2'],
        retryAfterMs: 1_200,
      },
    )
    const mapped = mapCoreError(error)
    expect(mapped).toMatchObject({
      status: 503,
      code: 'E_TASKS_UNAVAILABLE',
      details: { taskIds: ['a-1', 'a-2'], taskCount: 2, retryAfterMs: 1_200 },
      headers: { 'Retry-After': '2' },
    })
    // The package's message names the Redis failure; the caller gets ours.
    expect(mapped?.message).not.toContain('ECONNREFUSED')
  })

  it('maps an uncertain enqueue to 503, telling the caller to retry with the same ids', () => {
    const error = Object.assign(new Error('x'), {
      code: 'E_TASKS_ENQUEUE_UNCERTAIN',
      taskIds: Array.from({ length: 500 }, (_, index) => `b-${index}`),
      retryAfterMs: 300,
    })
    const mapped = mapCoreError(error)
    expect(mapped).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } })
    expect(mapped?.message).toMatch(/same task ids/)
    const details = mapped?.details as { taskIds: string[]; taskCount: number }
    expect(details.taskIds).toHaveLength(100)
    expect(details.taskCount).toBe(500)
  })

  it('leaves other errors to the generic 500', () => {
    expect(mapCoreError(new Error('boom'))).toBeUndefined()
    expect(mapCoreError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined()
  })
})
