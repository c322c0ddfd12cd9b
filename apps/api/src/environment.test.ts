import { describe, expect, it } from 'vitest'
import { describeNodeEnv, readEnvironment } from './environment.js'

describe('readEnvironment', () => {
  it('runs production for an unset, empty or unknown NODE_ENV, in any case', () => {
    for (const value of [undefined, '', 'production', 'PRODUCTION', 'prod', 'staging', 'dev ']) {
      expect(readEnvironment(value), String(value)).toBe('production')
    }
  })

  it('runs development or test only when named so, in any case and spacing', () => {
    expect(readEnvironment('development')).toBe('development')
    expect(readEnvironment(' Development ')).toBe('development')
    expect(readEnvironment('TEST')).toBe('test')
  })
})

describe('describeNodeEnv', () => {
  it('quotes the value on one line, or says it is unset', () => {
    expect(describeNodeEnv('prod')).toBe('NODE_ENV="prod"')
    expect(describeNodeEnv('a\nb')).toBe('NODE_ENV="a\\nb"')
    expect(describeNodeEnv(undefined)).toBe('NODE_ENV unset')
  })
})
