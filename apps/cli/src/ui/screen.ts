import type { OutputStream } from './style.js'
import { visibleWidth } from './style.js'

const ESC = '\u001B['
/** Enter the alternate screen buffer, hide the cursor, clear. */
export const ENTER_SCREEN = `${ESC}?1049h${ESC}?25l${ESC}2J${ESC}H`
/** Show the cursor and leave the alternate screen buffer (the shell's screen comes back). */
export const LEAVE_SCREEN = `${ESC}?25h${ESC}?1049l`

/** `line` cut to `width` visible columns, escape sequences kept (and colours reset when cut). */
export function fitLine(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line
  let out = ''
  let shown = 0
  // eslint-disable-next-line no-control-regex -- walking terminal escape sequences
  const tokens = line.match(/\u001B\[[0-9;?]*[A-Za-z]|[\s\S]/gu) ?? []
  for (const token of tokens) {
    if (token.startsWith('\u001B[')) {
      out += token
    } else if (shown < width) {
      out += token
      shown += 1
    }
  }
  return `${out}${ESC}0m`
}

/**
 * A full-screen view on the alternate screen buffer that redraws only the lines that changed.
 * `leave()` restores the terminal and is idempotent; the owner calls it on every way out.
 *
 * @example
 * const screen = new FullScreen(process.stdout)
 * screen.enter()
 * screen.draw(['hello'])
 * screen.leave()
 */
export class FullScreen {
  readonly #out: OutputStream
  #previous: string[] = []
  #active = false

  constructor(out: OutputStream) {
    this.#out = out
  }

  /** Whether the alternate screen is in use. */
  get active(): boolean {
    return this.#active
  }

  /** Terminal size, with a fallback for streams that do not report one. */
  size(): { columns: number; rows: number } {
    return { columns: this.#out.columns ?? 80, rows: this.#out.rows ?? 24 }
  }

  enter(): void {
    if (this.#active) return
    this.#active = true
    this.#previous = []
    this.#out.write(ENTER_SCREEN)
  }

  /** Forgets what is on screen, so the next draw repaints everything (after a resize). */
  invalidate(): void {
    this.#previous = []
    if (this.#active) this.#out.write(`${ESC}2J`)
  }

  /** Draws a frame: writes only lines that differ from the last frame, cut to the width. */
  draw(lines: readonly string[]): void {
    if (!this.#active) return
    const { columns, rows } = this.size()
    const frame = lines.slice(0, rows).map((line) => fitLine(line, columns))
    let output = ''
    const count = Math.max(frame.length, this.#previous.length)
    for (let row = 0; row < count; row += 1) {
      const line = frame[row] ?? ''
      if (line === this.#previous[row]) continue
      output += `${ESC}${row + 1};1H${line}${ESC}0m${ESC}K`
    }
    this.#previous = frame
    if (output !== '') this.#out.write(output)
  }

  leave(): void {
    if (!this.#active) return
    this.#active = false
    this.#out.write(LEAVE_SCREEN)
  }
}
