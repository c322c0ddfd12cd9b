/** How the process writes its log: JSON lines for machines, or short lines for people. */
export type LogFormat = 'json' | 'pretty'

/**
 * The format `server.logFormat` asks for: `json` and `pretty` are themselves; `auto` (the
 * default) is `pretty` when stdout is a terminal and `json` otherwise (a pipe, a file, a log
 * collector), so nothing that parses the log changes.
 *
 * @example
 * resolveLogFormat('auto', process.stdout.isTTY === true) // 'pretty' on a terminal
 */
export function resolveLogFormat(setting: string, stdoutIsTerminal: boolean): LogFormat {
  if (setting === 'json' || setting === 'pretty') return setting
  return stdoutIsTerminal ? 'pretty' : 'json'
}

/** Fields every line has, which the pretty line shows in its own way or not at all. */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname'])

/**
 * A destination in front of `target` that turns each of pino's JSON lines into one short line:
 * `21:04:05 WARN  message key=value …` (the local time of day, the level, the message and the
 * other fields). A line that is not JSON passes through unchanged.
 *
 * @example
 * const logger = pino(options, prettyDestination(stdoutLog()))
 */
export function prettyDestination(target: { write(line: string): void }): {
  write(line: string): void
} {
  return { write: (line) => target.write(prettyLine(line)) }
}

/**
 * One pino JSON line as a line for people.
 *
 * @example
 * prettyLine('{"level":"info","time":"2026-12-04T21:04:05.000Z","msg":"stopped","clean":true}\n')
 * // '21:04:05 INFO  stopped clean=true\n' (in the local time zone)
 */
export function prettyLine(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  if (typeof record !== 'object' || record === null) return line
  const time = typeof record.time === 'string' ? new Date(record.time) : new Date()
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':')
  const level = (typeof record.level === 'string' ? record.level : 'info').toUpperCase().padEnd(5)
  const fields = Object.entries(record)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
  const message = typeof record.msg === 'string' ? record.msg : ''
  return `${[clock, level, message, ...fields].filter((part) => part !== '').join(' ')}\n`
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  return JSON.stringify(value) ?? String(value)
}
