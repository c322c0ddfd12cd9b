import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileGlob, escapeGlob } from './glob.js'

function matches(pattern: string, key: string): boolean {
  return compileGlob(pattern)(key)
}

describe('compileGlob', () => {
  it('matches any run of characters, including none, with *', () => {
    expect(matches('dashboard:*', 'dashboard:sales:2026')).toBe(true)
    expect(matches('dashboard:*', 'dashboard:')).toBe(true)
    expect(matches('dashboard:*', 'reports:sales')).toBe(false)
    expect(matches('*:sales', 'dashboard:sales')).toBe(true)
    expect(matches('a*b*c', 'aXXbYYc')).toBe(true)
    expect(matches('a*b*c', 'aXXbYY')).toBe(false)
    expect(matches('a**b', 'ab')).toBe(true)
  })

  it('matches exactly one character with ?', () => {
    expect(matches('h?llo', 'hallo')).toBe(true)
    expect(matches('h?llo', 'hllo')).toBe(false)
    expect(matches('h?llo', 'heello')).toBe(false)
  })

  it('matches one listed character with a set', () => {
    expect(matches('h[ae]llo', 'hello')).toBe(true)
    expect(matches('h[ae]llo', 'hallo')).toBe(true)
    expect(matches('h[ae]llo', 'hillo')).toBe(false)
    expect(matches('h[ae]llo', 'hllo')).toBe(false)
  })

  it('matches ranges in a set, in either order', () => {
    expect(matches('h[a-c]llo', 'hbllo')).toBe(true)
    expect(matches('h[a-c]llo', 'hdllo')).toBe(false)
    expect(matches('h[c-a]llo', 'hbllo')).toBe(true)
    expect(matches('[0-9a-f]', 'e')).toBe(true)
    expect(matches('[0-9a-f]', 'g')).toBe(false)
  })

  it('negates a set that starts with ^', () => {
    expect(matches('h[^e]llo', 'hello')).toBe(false)
    expect(matches('h[^e]llo', 'hallo')).toBe(true)
    expect(matches('[^a-c]', 'b')).toBe(false)
    expect(matches('[^a-c]', 'x')).toBe(true)
    expect(matches('[a^]', '^')).toBe(true)
  })

  it('reads set edge cases as Redis does', () => {
    // `]` right after `[` closes an empty set: it matches nothing, and its negation anything.
    expect(matches('[]a]', 'a')).toBe(false)
    expect(matches('[]a]', ']a]')).toBe(false)
    expect(matches('[^]', 'x')).toBe(true)
    // A range bound is a raw byte: `[a-]` is the range `]`..`a` and the set runs on.
    expect(matches('[a-]', 'a')).toBe(true)
    expect(matches('[a-]', '^')).toBe(true)
    expect(matches('[a-]', '-')).toBe(false)
    // A `-` without a bound after it is literal.
    expect(matches('[-a]', '-')).toBe(true)
    expect(matches('[a-', '-')).toBe(true)
  })

  it('treats a set left open as running to the end of the pattern', () => {
    expect(matches('a[bc', 'ab')).toBe(true)
    expect(matches('a[bc', 'ac')).toBe(true)
    expect(matches('a[bc', 'a[bc')).toBe(false)
    expect(matches('[', '[')).toBe(false)
    expect(matches('[^', 'x')).toBe(true)
  })

  it('honours backslash escapes outside and inside sets', () => {
    expect(matches('a\\*b', 'a*b')).toBe(true)
    expect(matches('a\\*b', 'axxb')).toBe(false)
    expect(matches('a\\?', 'a?')).toBe(true)
    expect(matches('a\\?', 'ab')).toBe(false)
    expect(matches('\\[x]', '[x]')).toBe(true)
    expect(matches('[\\]]', ']')).toBe(true)
    expect(matches('[\\-a]', '-')).toBe(true)
    expect(matches('[\\-a]', 'a')).toBe(true)
    expect(matches('[\\-a]', 'b')).toBe(false)
    expect(matches('\\a', 'a')).toBe(true)
  })

  it('treats a trailing backslash as a literal backslash', () => {
    expect(matches('a\\', 'a\\')).toBe(true)
    expect(matches('a\\', 'a')).toBe(false)
    expect(matches('[\\', '\\')).toBe(true)
  })

  it('treats regular expression characters literally', () => {
    expect(matches('a.b(c)+', 'a.b(c)+')).toBe(true)
    expect(matches('a.b', 'axb')).toBe(false)
    expect(matches('^a$', '^a$')).toBe(true)
  })

  it('matches the UTF-8 bytes Redis sees, so ? is one byte', () => {
    expect(matches('caf?', 'café')).toBe(false)
    expect(matches('caf??', 'café')).toBe(true)
    expect(matches('caf[^e]?', 'café')).toBe(true)
    expect(matches('café*', 'café:1')).toBe(true)
    expect(matches('*é', 'café')).toBe(true)
  })

  it('matches an empty key only with * or the empty pattern, as SCAN does', () => {
    expect(matches('*', '')).toBe(true)
    expect(matches('', '')).toBe(true)
    expect(matches('**', '')).toBe(false)
    expect(matches('?', '')).toBe(false)
    expect(matches('', 'a')).toBe(false)
  })

  it('reuses one compiled pattern across keys of any length', () => {
    const match = compileGlob('k:*:[0-9]')
    const long = `k:${'x'.repeat(1000)}:7`
    expect(['k:a:1', long, 'k:a:x', 'k:a:1', 'k:é:2'].map(match)).toEqual([
      true,
      true,
      false,
      true,
      true,
    ])
  })

  it('round-trips literals escaped with escapeGlob', () => {
    const literal = 'weird*[key]?\\'
    expect(matches(`${escapeGlob(literal)}*`, `${literal}:1`)).toBe(true)
    expect(matches(`${escapeGlob(literal)}*`, 'weirdXkey]?\\')).toBe(false)
    expect(matches(escapeGlob(literal), literal)).toBe(true)
  })
})

describe('compileGlob against a reference matcher', () => {
  // Characters that exercise every construct; `é` is two UTF-8 bytes, and signed as C chars.
  const alphabet = ['a', 'b', 'é', '*', '?', '[', ']', '^', '-', '\\']
  const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength })

  it('agrees with a dynamic-programming matcher on random patterns and keys', () => {
    // On failure fast-check prints the seed and path; pass them to fc.assert to replay.
    fc.assert(
      fc.property(text(10), fc.array(text(8), { maxLength: 12 }), (pattern, keys) => {
        const match = compileGlob(pattern)
        for (const key of keys)
          expect(match(key), `${pattern} ~ ${key}`).toBe(reference(pattern, key))
      }),
      { numRuns: 3_000 },
    )
  })
})

describe('compileGlob on adversarial patterns', () => {
  // `*a*a*a…*b`, 256 characters: exponential for a backtracking regular expression.
  const starsAndAs = `${'*a'.repeat(127)}*b`
  // A long literal run after one star: the most work for the single-star backtracking.
  const longRun = `*${'a'.repeat(31)}b`.repeat(8)

  it('decides 10,000 keys of 64+ characters against *a*a*a…*b', () => {
    expect(starsAndAs).toHaveLength(256)
    const keys = Array.from({ length: 10_000 }, (_, i) => 'a'.repeat(64 + (i % 200)))
    // 127 a's and then a b: only those can match.
    for (let i = 0; i < 10_000; i += 100) keys[i] = `${keys[i]}b`
    const match = compileGlob(starsAndAs)
    const matched = keys.filter(match)
    expect(matched).toHaveLength(
      keys.filter((key) => key.length >= 128 && key.endsWith('b')).length,
    )
    expect(matched.length).toBeGreaterThan(0)
    expect(matched.every((key) => key.endsWith('b'))).toBe(true)
  })

  it('decides 10,000 keys of 64+ characters against long literal runs after stars', () => {
    expect(longRun).toHaveLength(264)
    const pattern = longRun.slice(0, 256)
    const keys = Array.from({ length: 10_000 }, (_, i) => 'a'.repeat(64 + (i % 64)))
    const matching = `${'a'.repeat(31)}b`.repeat(8).slice(0, 255)
    keys[42] = `xx${matching}`
    const match = compileGlob(pattern)
    expect(keys.filter(match)).toEqual([keys[42]])
  })
})

/**
 * An obviously correct matcher: memoized over (pattern position, key position), straight from
 * the definition, on UTF-8 bytes. One token is read at a time as Redis' `stringmatchlen` reads it.
 */
function reference(patternText: string, keyText: string): boolean {
  const pattern = Buffer.from(patternText)
  const key = Buffer.from(keyText)
  if (key.length === 0) return patternText === '' || patternText === '*'
  const memo = new Map<number, boolean>()
  const at = (p: number, k: number): boolean => {
    const id = p * (key.length + 1) + k
    let result = memo.get(id)
    if (result === undefined) {
      result = step(p, k)
      memo.set(id, result)
    }
    return result
  }
  const step = (p: number, k: number): boolean => {
    if (p === pattern.length) return k === key.length
    if (pattern[p] === 0x2a) return at(p + 1, k) || (k < key.length && at(p, k + 1))
    if (k === key.length) return false
    const { matched, next } = token(pattern, p, key[k]!)
    return matched && at(next, k + 1)
  }
  return at(0, 0)
}

/** Whether the one-byte token at `p` (not `*`) matches `byte`, and where the next token starts. */
function token(pattern: Buffer, p: number, byte: number): { matched: boolean; next: number } {
  const end = pattern.length
  const char = pattern[p]
  if (char === 0x3f) return { matched: true, next: p + 1 }
  if (char === 0x5c && p + 1 < end) return { matched: pattern[p + 1] === byte, next: p + 2 }
  if (char !== 0x5b) return { matched: char === byte, next: p + 1 }
  let i = p + 1
  const negated = pattern[i] === 0x5e
  if (negated) i++
  let matched = false
  const signed = (value: number) => (value > 127 ? value - 256 : value)
  for (;;) {
    if (i >= end) break
    if (pattern[i] === 0x5c && i + 1 < end) {
      if (pattern[i + 1] === byte) matched = true
      i += 2
    } else if (pattern[i] === 0x5d) {
      i++
      break
    } else if (end - i >= 3 && pattern[i + 1] === 0x2d) {
      const bounds = [signed(pattern[i]!), signed(pattern[i + 2]!)].sort((x, y) => x - y)
      if (signed(byte) >= bounds[0]! && signed(byte) <= bounds[1]!) matched = true
      i += 3
    } else {
      if (pattern[i] === byte) matched = true
      i++
    }
  }
  return { matched: negated ? !matched : matched, next: i }
}
