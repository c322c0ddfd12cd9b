import { measure, report } from '@bi-perf/bench'
import { compileGlob } from '../src/glob.js'

const KEYS = 10_000
const KEY_LENGTH = 64

/** k stars then `ab`: `*a*a*a*a*ab` for k = 5, the shape of the ReDoS report. */
function starPattern(stars: number): string {
  return `${'*a'.repeat(stars - 1)}*ab`
}

/**
 * The glob compiler the cache used to have, kept here only to measure what it cost: each `*`
 * became a backtracking `[\s\S]*`, exponential in the number of stars on a key that almost matches.
 */
function backtrackingRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '[\\s\\S]*' : char.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

/**
 * `clear(pattern)` over the in-process keys: the two-pointer matcher on 256-character adversarial
 * patterns against 10k keys of 64 characters, beside the old backtracking RegExp on one key.
 */
export async function globBench(): Promise<string> {
  const keys = Array.from({ length: KEYS }, () => 'a'.repeat(KEY_LENGTH))
  const patterns = {
    // 128 stars: the RegExp would never finish; the matcher walks each key once.
    stars: `${'*a'.repeat(127)}*b`,
    // A star, 31 a's and a b, repeated: each key is retried from every position of its first
    // half, the most work single-star backtracking can be made to do on 64 characters.
    runs: `*${'a'.repeat(31)}b`.repeat(8).slice(0, 256),
  }
  const countMatches = (pattern: string) => {
    const matches = compileGlob(pattern)
    let count = 0
    for (const key of keys) if (matches(key)) count++
    if (count !== 0) throw new Error(`${pattern} matched ${count} keys`)
  }
  const oldOnOneKey = (stars: number) => {
    const regExp = backtrackingRegExp(starPattern(stars))
    return () => {
      if (regExp.test(keys[0]!)) throw new Error('matched')
    }
  }

  const results = await measure([
    { name: 'compileGlob, *a*a*a*a*ab (k = 5), 10k keys', fn: () => countMatches(starPattern(5)) },
    {
      name: 'compileGlob, *a*a…*b (256 chars, k = 128), 10k keys',
      fn: () => countMatches(patterns.stars),
    },
    {
      name: 'compileGlob, (*a{31}b)… (256 chars, worst case), 10k keys',
      fn: () => countMatches(patterns.runs),
    },
    { name: 'old RegExp, *a*a*a*a*ab (k = 5), 1 key', fn: oldOnOneKey(5) },
    { name: 'old RegExp, *a*a*a*a*a*ab (k = 6), 1 key', fn: oldOnOneKey(6) },
  ])
  const table = report(
    `Glob matching, keys of ${KEY_LENGTH} a's (one call = all its keys)`,
    results,
    [],
  )
  const perTenThousand = results.map((result) => {
    const keysPerCall = result.name.endsWith('1 key') ? 1 : KEYS
    const ms = (result.p50Us / 1_000) * (KEYS / keysPerCall)
    const note = keysPerCall === 1 ? ' (extrapolated from one key)' : ''
    return `| ${result.name.replace(/, (10k keys|1 key)$/, '')} | ${formatMs(ms)}${note} |`
  })
  const summary = [
    `#### p50 per ${KEYS / 1000}k keys`,
    '',
    '| pattern | time |',
    '|---|---|',
    ...perTenThousand,
    '',
  ].join('\n')
  console.log(summary)
  return `${table}\n${summary}`
}

function formatMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(1)} s` : `${ms.toFixed(2)} ms`
}
