import { resolveConfig } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { EDGE_DEFAULTS, EdgeOptionsError, resolveEdgeOptions } from './edge-options.js'

describe('resolveEdgeOptions', () => {
  it("has the defaults of core's server.timeouts and server.maxConnections", () => {
    const { timeouts, maxConnections } = resolveConfig({}).server
    expect(EDGE_DEFAULTS).toEqual({ timeouts, maxConnections })
    expect(resolveEdgeOptions()).toEqual(EDGE_DEFAULTS)
  })

  it('keeps the defaults of the fields left out or undefined', () => {
    expect(resolveEdgeOptions({ timeouts: { keepAlive: 65_000, headers: undefined } })).toEqual({
      timeouts: { headers: 10_000, request: 30_000, keepAlive: 65_000 },
      maxConnections: 1000,
    })
  })

  it.each([
    [{ maxConnections: 0 }, 'maxConnections'],
    [{ maxConnections: 1.5 }, 'maxConnections'],
    [{ timeouts: { keepAlive: -1 } }, 'timeouts.keepAlive'],
    [{ timeouts: { request: Number.NaN } }, 'timeouts.request'],
  ])('refuses %j, naming %s and the rule', (options, field) => {
    const error = catchError(() => resolveEdgeOptions(options))
    expect(error).toBeInstanceOf(EdgeOptionsError)
    expect(error).toMatchObject({ code: 'E_API_EDGE_OPTIONS', field })
    expect((error as Error).message).toContain('must be a positive integer')
  })

  it('refuses a headers timeout above the request timeout', () => {
    const error = catchError(() =>
      resolveEdgeOptions({ timeouts: { headers: 40_000, request: 30_000 } }),
    )
    expect(error).toMatchObject({ code: 'E_API_EDGE_OPTIONS', field: 'timeouts.headers' })
    expect((error as Error).message).toContain('must not exceed timeouts.request (30000 ms)')
  })
})

function catchError(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
