import { ComponentDisabledError, InvalidArgumentError, UnknownProfileError } from '@bi-perf/core'
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
      details: { argument: 'options.pattern' },
    })
  })

  it('leaves other errors to the generic 500', () => {
    expect(mapCoreError(new Error('boom'))).toBeUndefined()
    expect(mapCoreError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined()
  })
})
