import { formatOps, percentile } from '@bi-perf/bench'

/**
 * The nearest-rank median (always one of the samples, the lower middle one for an even count):
 * the db benches' figures have always been read this way, unlike the harness's `median`.
 */
export function median(samples: readonly number[]): number {
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

/** The shared seeded workload helpers and percentile, under the names the db benches use. */
export { percentile, seededRandom as random, zipf } from '@bi-perf/bench'
