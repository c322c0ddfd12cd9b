import { describe, expect, it } from 'vitest'
import { durationCases, durationRejections } from '../test/duration-cases.js'
import { readDuration } from './duration.js'

describe('durationRejections', () => {
  it('returns what a parser threw for every rejected case, and undefined when it did not', () => {
    const strict = durationRejections((value) => {
      const reading = readDuration(value)
      if ('rule' in reading) throw new Error(reading.rule)
    })
    expect(strict).toHaveLength(durationCases.invalid.length)
    for (const { error, rule } of strict) expect((error as Error).message).toMatch(rule)
    expect(durationRejections(() => 0).every(({ error }) => error === undefined)).toBe(true)
  })
})
