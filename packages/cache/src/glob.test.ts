import { describe, expect, it } from 'vitest'
import { escapeGlob, globToRegExp } from './glob.js'

describe('globToRegExp', () => {
  it('matches Redis glob semantics', () => {
    expect(globToRegExp('dashboard:*').test('dashboard:sales:2026')).toBe(true)
    expect(globToRegExp('dashboard:*').test('reports:sales')).toBe(false)
    expect(globToRegExp('h?llo').test('hallo')).toBe(true)
    expect(globToRegExp('h?llo').test('hllo')).toBe(false)
    expect(globToRegExp('h[ae]llo').test('hello')).toBe(true)
    expect(globToRegExp('h[^e]llo').test('hello')).toBe(false)
    expect(globToRegExp('h[a-c]llo').test('hbllo')).toBe(true)
  })

  it('treats regular expression characters literally', () => {
    expect(globToRegExp('a.b(c)+').test('a.b(c)+')).toBe(true)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
  })

  it('honours backslash escapes and escapeGlob round-trips literals', () => {
    expect(globToRegExp('a\\*b').test('a*b')).toBe(true)
    expect(globToRegExp('a\\*b').test('axxb')).toBe(false)
    const literal = 'weird*[key]?'
    expect(globToRegExp(`${escapeGlob(literal)}*`).test(`${literal}:1`)).toBe(true)
    expect(globToRegExp(`${escapeGlob(literal)}*`).test('weirdXkey]?')).toBe(false)
  })
})
