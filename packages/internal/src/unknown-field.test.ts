import { describe, expect, it } from 'vitest'
import { findUnknownField } from './unknown-field.js'

describe('findUnknownField', () => {
  it('accepts an object whose keys are all allowed', () => {
    expect(findUnknownField({ ttl: 1 }, ['ttl', 'grace'])).toEqual({ ok: true })
  })

  it('names the first key that is not allowed, with its value', () => {
    expect(findUnknownField({ ttl: 1, prefix: 'x' }, ['ttl'])).toEqual({
      ok: false,
      notObject: false,
      key: 'prefix',
      value: 'x',
    })
  })

  it('names the allowed key an unknown one most likely meant', () => {
    expect(findUnknownField({ grase: 5 }, ['ttl', 'grace'])).toEqual({
      ok: false,
      notObject: false,
      key: 'grase',
      value: 5,
      closest: 'grace',
    })
  })

  it('rejects values that are not plain objects', () => {
    for (const value of [null, [], 'ttl', 3]) {
      expect(findUnknownField(value, ['ttl'])).toEqual({ ok: false, notObject: true })
    }
  })
})
