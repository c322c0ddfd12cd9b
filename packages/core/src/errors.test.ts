import { describe, expect, it } from 'vitest'
import {
  CoreError,
  InvalidArgumentError,
  InvalidDurationError,
  InvalidOptionError,
} from './errors.js'
import { hasErrorCode } from './index.js'

describe('invalid argument, option and duration errors', () => {
  it('name the field, and still answer to the deprecated argument name', () => {
    const error = new InvalidArgumentError('fn', 42, 'must be a function')
    expect(error.field).toBe('fn')
    expect(error.argument).toBe('fn')
    expect(error).toMatchObject({ code: 'E_CORE_INVALID_ARGUMENT', argument: 'fn' })
    expect(error.message).toBe('Invalid argument fn 42: must be a function')
    expect(error.legacyCode).toBeUndefined()
  })

  it.each([
    ['InvalidOptionError', InvalidOptionError, 'E_CORE_INVALID_OPTION'],
    ['InvalidDurationError', InvalidDurationError, 'E_CORE_INVALID_DURATION'],
  ] as const)('%s keeps matching the code and class it had before', (name, Class, code) => {
    const error = new Class('options.ttl', 'soon', 'expected milliseconds')
    expect(error).toMatchObject({ code, name, field: 'options.ttl', argument: 'options.ttl' })
    expect(error.message).toBe('Invalid options.ttl "soon": expected milliseconds')
    expect(error.legacyCode).toBe('E_CORE_INVALID_ARGUMENT')
    expect(hasErrorCode(error, code)).toBe(true)
    expect(hasErrorCode(error, 'E_CORE_INVALID_ARGUMENT')).toBe(true)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect(error).toBeInstanceOf(CoreError)
  })

  it('makes a duration error an option error too', () => {
    expect(new InvalidDurationError('options.ttl', -1, 'must be positive')).toBeInstanceOf(
      InvalidOptionError,
    )
  })
})
