/**
 * The candidate a mistyped `name` most likely meant, so an error can say `did you mean "ttl"?`:
 * a case-insensitive match first, else the nearest by edit distance when that distance is at
 * most `max(2, name.length / 3)` (further than that a suggestion is a guess, not a hint). Ties go
 * to the earlier candidate.
 *
 * @example
 * closestName('maxEntrie', ['maxEntries', 'maxBytes']) // 'maxEntries'
 * closestName('colour', ['ttl', 'grace']) // undefined
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const names = [...candidates]
  const lower = name.toLowerCase()
  const sameButCase = names.find((candidate) => candidate.toLowerCase() === lower)
  if (sameButCase !== undefined) return sameButCase
  const limit = Math.max(2, Math.floor(name.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of names) {
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance (insert, delete, substitute), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]!
}
