import type { Command } from 'commander'

/**
 * Example command lines of each performance command, by command name: `--help` shows them under
 * "Examples:" and docs/cli.md lists the same lines.
 */
export const COMMAND_EXAMPLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  status: [
    'bi-performance status',
    'bi-performance status --json',
    'bi-performance status --url http://127.0.0.1:8080',
  ],
  metrics: ['bi-performance metrics', 'bi-performance metrics --section cache --json'],
  optimize: [
    'bi-performance optimize memory --url http://127.0.0.1:8080',
    'bi-performance optimize performance --json',
  ],
  'clear-cache': [
    'bi-performance clear-cache --pattern "dashboard:*"',
    'bi-performance clear-cache --tags sales,prices --json',
    'bi-performance clear-cache --yes',
  ],
  benchmark: [
    'bi-performance benchmark --out base.json',
    'bi-performance benchmark --compare base.json --max-regression 15%',
    'bi-performance benchmark --suite cache,db --duration 3s --json',
  ],
  recommendations: [
    'bi-performance recommendations',
    'bi-performance recommendations --priority high --json',
  ],
  monitor: ['bi-performance monitor', 'bi-performance monitor --interval 5s --count 12 --json'],
  'heap-snapshot': ['bi-performance heap-snapshot --url http://127.0.0.1:8080'],
  token: [
    'export BI_PERF_TOKEN=$(bi-performance token --role admin --ttl 8h)',
    'bi-performance token --role viewer --json',
  ],
})

/**
 * The "Examples:" block `--help` prints after a command's own help text, for the executable
 * `invocation` runs (`bi-perf performance` in the main binary).
 */
export function examplesHelp(lines: readonly string[], invocation = 'bi-performance'): string {
  const shown = lines.map((line) => `  ${line.replaceAll('bi-performance ', `${invocation} `)}`)
  return `\nExamples:\n${shown.join('\n')}`
}

/** Adds the examples of every command of {@link COMMAND_EXAMPLES} under `parent` to its help. */
export function addCommandExamples(parent: Command): void {
  const names: string[] = []
  for (let current: Command | null = parent; current; current = current.parent) {
    names.unshift(current.name())
  }
  for (const command of parent.commands) {
    const lines = COMMAND_EXAMPLES[command.name()]
    if (lines) command.addHelpText('after', examplesHelp(lines, names.join(' ')))
  }
}
