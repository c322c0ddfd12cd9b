// A failed step of a release check: which package or command, which step, and the last lines of
// the output that show why, so a CI log names the fix without a rerun.

/** Lines of output a failure shows. */
const TAIL_LINES = 40

export class CheckFailure extends Error {
  /**
   * @param {string} subject the package or command checked, e.g. `@bi-perf/db`
   * @param {string} step e.g. `npm install`, `README example`
   * @param {string} problem what went wrong, one line
   * @param {string} [output] the step's output; its last lines are kept
   */
  constructor(subject, step, problem, output = '') {
    super(`${subject}: ${step}: ${problem}`)
    this.name = 'CheckFailure'
    this.subject = subject
    this.step = step
    this.outputTail = lastLines(output, TAIL_LINES)
  }
}

/**
 * The last `count` non-empty lines of `text`.
 *
 * @param {string} text
 * @param {number} count
 */
export function lastLines(text, count) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n')
}

/**
 * Whether `text` holds a JavaScript stack trace: lines such as `    at run (file.mjs:3:9)`.
 *
 * @param {string} text
 */
export function hasStackTrace(text) {
  return /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m.test(text)
}

/**
 * A process's end in words: `exit 1`, or `ended by a signal` (a timeout or an interrupted run).
 *
 * @param {number | null} code
 */
export function exitProblem(code) {
  return code === null ? 'ended by a signal' : `exit ${code}`
}
