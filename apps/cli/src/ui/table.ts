import { visibleWidth } from './style.js'

/** One column of a {@link renderTable} table. */
export interface Column {
  header: string
  /** @default 'left' */
  align?: 'left' | 'right'
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)))
  return align === 'right' ? fill + text : text + fill
}

/**
 * Lines of a plain-text table: a header, then one line per row, columns two spaces apart.
 * Cells may carry colours; widths count what the terminal shows.
 *
 * @example
 * renderTable([{ header: 'name' }, { header: 'ops/s', align: 'right' }], [['l1-hit', '2.4 M']])
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: { header?: (text: string) => string } = {},
): string[] {
  const widths = columns.map((column, index) =>
    Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[index] ?? ''))),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const last = index === columns.length - 1
        const align = columns[index]?.align ?? 'left'
        // No trailing spaces after a left-aligned last column.
        return last && align === 'left' ? cell : pad(cell, widths[index] ?? 0, align)
      })
      .join('  ')
      .trimEnd()
  const headerLine = line(columns.map((column) => column.header))
  return [style.header ? style.header(headerLine) : headerLine, ...rows.map(line)]
}

/** `key  value` lines with keys padded to one width. */
export function renderPairs(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => visibleWidth(key)))
  return pairs.map(([key, value]) => `${pad(key, width, 'left')}  ${value}`)
}
