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

/** The shared seeded workload helpers, under the names the db benches use. */
export { seededRandom as random, zipf } from '@bi-perf/bench'
