import { createInterface } from 'node:readline/promises'
import type { CliIo } from './context.js'

/**
 * Asks a yes/no question on the terminal; anything but `y` / `yes` is no.
 *
 * @example
 * if (!(await confirm(io, 'Clear every key? [y/N] '))) return
 */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const readline = createInterface({ input: io.stdin, output: io.stderr })
  try {
    const answer = await readline.question(question)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    readline.close()
  }
}
