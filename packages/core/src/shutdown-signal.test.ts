import { describe, expect, it } from 'vitest'
import { InvalidDurationError } from './errors.js'
import { onShutdownSignal } from './shutdown-signal.js'

// SIGUSR2, never raised here: the listeners are installed and removed, no signal is sent.
const signals = ['SIGUSR2'] as const

describe('onShutdownSignal options', () => {
  it.each([
    ['timeout', { timeout: 'soon' }],
    ['killAfter', { killAfter: -1 }],
  ] as const)('rejects an invalid %s with E_CORE_INVALID_DURATION', (name, options) => {
    const install = () => onShutdownSignal(() => undefined, { signals, ...options })
    expect(install).toThrow(InvalidDurationError)
    expect(install).toThrow(expect.objectContaining({ code: 'E_CORE_INVALID_DURATION' }))
    expect(install).toThrow(`options.${name}`)
    expect(process.listenerCount('SIGUSR2')).toBe(0)
  })

  it('accepts killAfter: false and removes its listeners when asked', () => {
    const remove = onShutdownSignal(() => undefined, { signals, killAfter: false })
    expect(process.listenerCount('SIGUSR2')).toBe(1)
    remove()
    expect(process.listenerCount('SIGUSR2')).toBe(0)
  })
})
