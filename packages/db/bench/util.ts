import { formatOps } from '@bi-perf/bench'

/** Percentile of a sample, nearest rank. */
export function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!
}

export function median(samples: number[]): number {
  return percentile(samples, 0.5)
}

/** A Markdown table, printed and returned. */
export function table(
  title: string,
  header: string[],
  rows: (string | number)[][],
  notes: string[] = [],
): string {
  const text = [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...notes.flatMap((note) => [note, '']),
  ].join('\n')
  console.log(text)
  return text
}

export const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1)
export const ops = formatOps

/** A deterministic PRNG (mulberry32), so every mode sees the same workload. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Zipf(s) over 1…n by inverse CDF. */
export function zipf(n: number, s: number, next: () => number): () => number {
  const cdf: number[] = []
  let total = 0
  for (let k = 1; k <= n; k++) cdf.push((total += 1 / k ** s))
  return () => {
    const target = next() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if (cdf[mid]! < target) low = mid + 1
      else high = mid
    }
    return low + 1
  }
}
