/**
 * Levenshtein distance between two strings (insertions, deletions and substitutions each cost
 * one), in O(a × b) time and O(b) memory; names are short.
 */
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

/**
 * The candidate nearest to `name`, compared case-insensitively, when it is close enough to be a
 * likely typo: at most a third of the name's length away (at least 1, so short names still get
 * a suggestion for one wrong letter). `undefined` when nothing is that close.
 *
 * @example
 * closestName('maxbytes', ['maxEntries', 'maxBytes']) // 'maxBytes'
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase()
  const limit = Math.max(1, Math.floor(wanted.length / 3))
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= limit ? best : undefined
}
