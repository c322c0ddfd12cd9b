import { describe, expect, it } from 'vitest'
import { resolveSoakOptions } from './options.js'

describe('resolveSoakOptions', () => {
  it('fills every default and reads durations into milliseconds', () => {
    const options = resolveSoakOptions({ duration: '60s', seed: 7 })
    expect(options).toMatchObject({
      durationMs: 60_000,
      warmupMs: 15_000,
      rate: 150,
      connections: 8,
      memory: 'enforce',
      keepLogs: 'always',
      seed: 7,
    })
  })

  it('rejects an unknown option name and names the closest valid one', () => {
    expect(() => resolveSoakOptions({ duraton: '1s' } as never)).toThrow(
      /duraton .*did you mean "duration"/,
    )
  })

  it('rejects a connection count that is not a positive integer, naming the option', () => {
    expect(() => resolveSoakOptions({ connections: 0 })).toThrow(
      /connections 0: .*positive integer/,
    )
  })

  it('rejects a memory mode outside enforce and report', () => {
    expect(() => resolveSoakOptions({ memory: 'ignore' as never })).toThrow(/enforce, report/)
  })
})
