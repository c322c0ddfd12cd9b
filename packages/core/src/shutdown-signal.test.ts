import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { onShutdownSignal } from './shutdown-signal.js'

// SIGUSR2, never raised here: the listeners are installed and removed, no signal is sent.
const signals = ['SIGUSR2'] as const

describe('onShutdownSignal options', () => {
  it.each([
    ['timeout', { timeout: 'soon' }],
    ['killAfter', { killAfter: -1 }],
  ] as const)('rejects an invalid %s with E_CORE_INVALID_ARGUMENT', (name, options) => {
    const install = () => onShutdownSignal(() => undefined, { signals, ...options })
    expect(install).toThrow(InvalidArgumentError)
    expect(install).toThrow(expect.objectContaining({ code: 'E_CORE_INVALID_ARGUMENT' }))
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
