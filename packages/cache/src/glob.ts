/** Tells whether a key matches the glob pattern it was compiled from. */
export type GlobMatcher = (key: string) => boolean

// A compiled pattern is one code per token: 0–255 a literal byte, then these.
const STAR = 256
const ANY = 257
/** Codes from here on name a set: `code - SET` is its index in the set tables. */
const SET = 258

const utf8 = new TextEncoder()

/**
 * Compiles a Redis glob pattern (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) into a matcher, so the
 * in-process tier clears exactly what `SCAN MATCH` clears in Redis. Compile once, then call the
 * matcher for every key.
 *
 * The semantics are those of Redis' `stringmatchlen`, on the UTF-8 bytes Redis sees: `?` is one
 * byte, a set lists bytes and ranges (`[z-a]` equals `[a-z]`), `\` escapes the next byte inside
 * and outside sets, a set left open runs to the end of the pattern, and `]` right after `[` or
 * `[^` closes an empty set. An empty key matches only `*` and the empty pattern, as with `SCAN`.
 *
 * Matching is a two-pointer walk that backtracks only to the last `*` seen, so it takes at most
 * key length × pattern length steps, whatever the pattern: no pattern can stall the process the
 * way a backtracking regular expression does with `*a*a*a*a*a*a*ab`.
 *
 * @example
 * const matches = compileGlob('dashboard:[a-c]*')
 * matches('dashboard:b:2026') // true
 * matches('reports:b') // false
 */
export function compileGlob(pattern: string): GlobMatcher {
  const { tokens, sets } = tokenize(utf8.encode(pattern))
  const matchesAll = pattern === '*'
  let scratch = new Uint8Array(64)
  return (key) => {
    // SCAN skips matching for a lone `*`, so it returns even an empty key.
    if (key.length === 0) return tokens.length === 0 || matchesAll
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3)
    const { written } = utf8.encodeInto(key, scratch)
    return matchBytes(tokens, sets, scratch, written)
  }
}

/** Escapes glob metacharacters so a literal string (a prefix) matches only itself. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&')
}

interface CompiledGlob {
  tokens: Int32Array
  /** 256 entries per set, 1 for each byte the set matches. */
  sets: Uint8Array
}

/** Parses the pattern's bytes into tokens, exactly as `stringmatchlen` reads them. */
function tokenize(pattern: Uint8Array): CompiledGlob {
  const tokens: number[] = []
  const sets: Uint8Array[] = []
  const end = pattern.length
  let i = 0
  while (i < end) {
    const byte = pattern[i]!
    if (byte === 0x2a /* * */) {
      // Consecutive stars match what one does.
      if (tokens.at(-1) !== STAR) tokens.push(STAR)
      i++
    } else if (byte === 0x3f /* ? */) {
      tokens.push(ANY)
      i++
    } else if (byte === 0x5b /* [ */) {
      const [set, next] = parseSet(pattern, i + 1)
      tokens.push(SET + sets.length)
      sets.push(set)
      i = next
    } else if (byte === 0x5c /* \ */ && i + 1 < end) {
      tokens.push(pattern[i + 1]!)
      i += 2
    } else {
      tokens.push(byte)
      i++
    }
  }
  const table = new Uint8Array(256 * sets.length)
  sets.forEach((set, index) => table.set(set, 256 * index))
  return { tokens: Int32Array.from(tokens), sets: table }
}

/**
 * Reads a set starting after its `[`; returns the bytes it matches and where the pattern
 * continues. Mirrors Redis: an escape wins over a range, a range's bounds are raw bytes (so
 * `[a-]` is the range from `]` to `a` and does not close the set), and bytes compare as C `char`,
 * signed on x86-64, which matters only for ranges whose bounds are not ASCII.
 */
function parseSet(pattern: Uint8Array, start: number): [Uint8Array, number] {
  const end = pattern.length
  const set = new Uint8Array(256)
  let i = start
  const negated = i < end && pattern[i] === 0x5e /* ^ */
  if (negated) i++
  while (i < end) {
    const byte = pattern[i]!
    if (byte === 0x5c /* \ */ && i + 1 < end) {
      set[pattern[i + 1]!] = 1
      i += 2
    } else if (byte === 0x5d /* ] */) {
      i++
      break
    } else if (i + 2 < end && pattern[i + 1] === 0x2d /* - */) {
      const a = signedByte(byte)
      const b = signedByte(pattern[i + 2]!)
      const [low, high] = a <= b ? [a, b] : [b, a]
      for (let c = 0; c < 256; c++) {
        const value = signedByte(c)
        if (value >= low && value <= high) set[c] = 1
      }
      i += 3
    } else {
      set[byte] = 1
      i++
    }
  }
  if (negated) for (let c = 0; c < 256; c++) set[c] = set[c] ? 0 : 1
  return [set, i]
}

function signedByte(byte: number): number {
  return (byte << 24) >> 24
}

/**
 * The two-pointer match. Every token but `*` consumes exactly one byte, so on a mismatch it is
 * enough to let the last `*` swallow one more byte and retry from there: an earlier `*` taking
 * more could only leave the rest of the pattern less room to match.
 */
function matchBytes(tokens: Int32Array, sets: Uint8Array, key: Uint8Array, length: number) {
  const count = tokens.length
  let t = 0
  let k = 0
  let starToken = -1
  let starKey = 0
  while (k < length) {
    if (t < count) {
      const token = tokens[t]!
      if (token === STAR) {
        starToken = t++
        starKey = k
        continue
      }
      const byte = key[k]!
      if (token === ANY || token === byte || (token >= SET && sets[256 * (token - SET) + byte])) {
        t++
        k++
        continue
      }
    }
    if (starToken < 0) return false
    t = starToken + 1
    k = ++starKey
  }
  while (t < count && tokens[t] === STAR) t++
  return t === count
}
