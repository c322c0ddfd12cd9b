import type { Writable } from 'node:stream'

/** A stream the CLI writes to; `isTTY` and `columns` exist on terminals only. */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number; rows?: number }

/** Colour functions that are identity functions when colours are off. */
export interface Style {
  readonly enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const

/**
 * Whether to colour what goes to `stream`: only on a terminal, never with `NO_COLOR` set to
 * anything non-empty (no-color.org) or `TERM=dumb`.
 */
export function colorEnabled(
  stream: OutputStream,
  env: Record<string, string | undefined>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return stream.isTTY === true
}

/**
 * The colours for one stream. A tiny helper instead of chalk: six SGR pairs are all we use.
 *
 * @example
 * const style = createStyle(process.stdout, process.env)
 * console.log(style.green('ok'))
 */
export function createStyle(stream: OutputStream, env: Record<string, string | undefined>): Style {
  const enabled = colorEnabled(stream, env)
  const paint =
    ([open, close]: readonly [number, number]) =>
    (text: string) =>
      enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text
  return {
    enabled,
    bold: paint(codes.bold),
    dim: paint(codes.dim),
    red: paint(codes.red),
    green: paint(codes.green),
    yellow: paint(codes.yellow),
    cyan: paint(codes.cyan),
  }
}

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI_PATTERN = /\u001B\[[0-9;?]*[A-Za-z]/g

/** `text` without terminal escape sequences, to measure or compare what a terminal shows. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '')
}

/** Columns `text` takes on a terminal (escape sequences take none). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length
}
