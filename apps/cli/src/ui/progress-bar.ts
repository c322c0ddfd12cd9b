import type { OutputStream } from './style.js'

/** Progress of a run made of steps, each reporting its own 0–1 progress. */
export interface Progress {
  /** Starts step `index` (0-based) of `total`, labelled. */
  step(label: string): void
  /** Progress inside the current step, 0–1. */
  update(fraction: number): void
  /** A line that must stay (a note, a skipped suite); printed above the bar. */
  log(line: string): void
  /** Removes the bar. */
  done(): void
}

const WIDTH = 24

/**
 * A one-line progress bar on a terminal (redrawn in place with `\r`), or one plain line per step
 * elsewhere, so CI logs stay readable. Writes to stderr, keeping stdout for results.
 *
 * @example
 * const progress = createProgress(process.stderr, 6)
 * progress.step('cache l1-hit'); progress.update(0.5); progress.done()
 */
export function createProgress(stream: OutputStream, totalSteps: number): Progress {
  const tty = stream.isTTY === true
  let index = -1
  let label = ''
  let fraction = 0
  let drawn = false
  const draw = () => {
    const overall = Math.min(1, (Math.max(0, index) + fraction) / Math.max(1, totalSteps))
    const filled = Math.round(overall * WIDTH)
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled)
    stream.write(`\r${bar} ${(overall * 100).toFixed(0).padStart(3)}%  ${label}\u001B[K`)
    drawn = true
  }
  const clear = () => {
    if (drawn) stream.write('\r\u001B[K')
    drawn = false
  }
  return {
    step(next) {
      index += 1
      label = next
      fraction = 0
      if (tty) draw()
      else stream.write(`[${index + 1}/${totalSteps}] ${next}\n`)
    },
    update(value) {
      fraction = Math.min(1, Math.max(0, value))
      if (tty) draw()
    },
    log(line) {
      if (tty) clear()
      stream.write(`${line}\n`)
      if (tty && index >= 0) draw()
    },
    done() {
      if (tty) clear()
    },
  }
}
