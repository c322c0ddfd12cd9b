import { describe, expect, it } from 'vitest'
import { createStreamSlots } from './stream-slots.js'

describe('createStreamSlots', () => {
  it('refuses a stream beyond the cap with 429 E_API_TOO_MANY_STREAMS, per caller', () => {
    const slots = createStreamSlots(2)
    slots.take('sub:viewer:alice')
    slots.take('sub:viewer:alice')
    expect(() => slots.take('sub:viewer:alice')).toThrow(
      expect.objectContaining({
        status: 429,
        code: 'E_API_TOO_MANY_STREAMS',
        details: { limit: 2 },
      }),
    )
    expect(() => slots.take('sub:admin:alice')).not.toThrow()
    expect(slots.held('sub:viewer:alice')).toBe(2)
  })

  it('gives a slot back once, however often its release runs', () => {
    const slots = createStreamSlots(2)
    const release = slots.take('a')
    slots.take('a')
    release()
    release()
    expect(slots.held('a')).toBe(1)
    slots.take('a')
    expect(() => slots.take('a')).toThrow(expect.objectContaining({ status: 429 }))
  })

  it('forgets a caller once it holds no stream', () => {
    const slots = createStreamSlots(1)
    slots.take('a')()
    expect(slots.held('a')).toBe(0)
    expect(() => slots.take('a')).not.toThrow()
  })
})
