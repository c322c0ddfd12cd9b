/**
 * Compiles a Redis glob pattern (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) into an anchored RegExp, so
 * the in-process tier clears exactly what `SCAN MATCH` clears in Redis.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '^'
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (char === '*') source += '[\\s\\S]*'
    else if (char === '?') source += '[\\s\\S]'
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!)
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) {
        source += '\\['
        continue
      }
      let body = pattern.slice(i + 1, end)
      const negated = body.startsWith('^')
      if (negated) body = body.slice(1)
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`
      i = end
    } else source += escapeRegExp(char)
  }
  return new RegExp(`${source}$`)
}

/** Escapes glob metacharacters so a literal string (a prefix) matches only itself. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&')
}

function escapeRegExp(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
