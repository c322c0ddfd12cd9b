import { describe, expect, it } from 'vitest'
import { DRAIN_MAX_BYTES, planUnreadBody } from './unread-body.js'

const incomplete = (headers: Record<string, string>) => ({ complete: false, headers })

describe('planUnreadBody', () => {
  it('does nothing once the whole request is in', () => {
    expect(planUnreadBody({ complete: true, headers: { 'content-length': '9999999' } }, true)).toBe(
      'none',
    )
  })

  it('does nothing for a request without a body', () => {
    expect(planUnreadBody(incomplete({}), true)).toBe('none')
    expect(planUnreadBody(incomplete({ 'content-length': '0' }), true)).toBe('none')
  })

  it('drains a small body of known length and keeps the connection', () => {
    expect(planUnreadBody(incomplete({ 'content-length': String(DRAIN_MAX_BYTES) }), true)).toBe(
      'drain',
    )
  })

  it('closes for a body above the drain limit', () => {
    expect(
      planUnreadBody(incomplete({ 'content-length': String(DRAIN_MAX_BYTES + 1) }), true),
    ).toBe('close')
  })

  it('closes for a chunked body, whose length is unknown', () => {
    expect(planUnreadBody(incomplete({ 'transfer-encoding': 'chunked' }), true)).toBe('close')
  })

  it('lingers rather than drains when the connection closes anyway', () => {
    expect(planUnreadBody(incomplete({ 'content-length': '10' }), false)).toBe('close')
  })
})
