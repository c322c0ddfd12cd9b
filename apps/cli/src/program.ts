import { Command, Option } from 'commander'
import { registerBenchmarkCommand } from './commands/benchmark.js'
import { registerClearCacheCommand } from './commands/clear-cache.js'
import { registerHeapSnapshotCommand } from './commands/heap-snapshot.js'
import type { CommandEnv } from './commands/command-env.js'
import { registerMetricsCommand } from './commands/metrics.js'
import { registerMonitorCommand } from './commands/monitor.js'
import { registerOptimizeCommand } from './commands/optimize.js'
import { registerRecommendationsCommand } from './commands/recommendations.js'
import { registerStatusCommand } from './commands/status.js'
import { registerTokenCommand } from './commands/token.js'
import { addCommandExamples } from './examples.js'
import { exitCodesHelp } from './exit-codes.js'
import { parseDurationOption } from './option-parsers.js'
import { createStyle, type Style } from './ui/style.js'
import { version } from './version.js'

/** The two executables: the dedicated tool, and the main binary carrying it as `performance`. */
export type Binary = 'bi-performance' | 'bi-perf'

const MODES_HELP = `
Modes:
  remote  with --url (or BI_PERF_URL): talks to a running bi-perf API, with --token / BI_PERF_TOKEN
  local   without a URL: starts an optimizer in this process from the configuration (--config,
          BI_PERF_CONFIG, ./bi-perf.yaml, env such as REDIS_URL and DATABASE_URL) and stops it after
          the command; status, metrics, benchmark and monitor need no server. status, metrics,
          recommendations and monitor read this machine plus only the services configured

${exitCodesHelp()}

Colours only on a terminal, never with NO_COLOR set.`

function addConnectionOptions(command: Command): void {
  command
    .option('--url <url>', 'bi-perf API base URL (env BI_PERF_URL); without it, local mode')
    .option('--token <jwt>', 'bearer token for the API (env BI_PERF_TOKEN)')
    .option('--config <file>', 'configuration file for local mode and token (env BI_PERF_CONFIG)')
    .addOption(
      new Option('--timeout <duration>', 'timeout of each API request')
        .argParser(parseDurationOption)
        .default(10_000, '10s'),
    )
}

/** Registers every performance command on `parent` (the program, or `bi-perf performance`). */
export function addPerformanceCommands(parent: Command, env: CommandEnv): void {
  addConnectionOptions(parent)
  registerStatusCommand(parent, env)
  registerMetricsCommand(parent, env)
  registerOptimizeCommand(parent, env)
  registerClearCacheCommand(parent, env)
  registerBenchmarkCommand(parent, env)
  registerRecommendationsCommand(parent, env)
  registerMonitorCommand(parent, env)
  registerHeapSnapshotCommand(parent, env)
  registerTokenCommand(parent, env)
  addCommandExamples(parent)
  parent.addHelpText('after', MODES_HELP)
}

/**
 * The commander program of one executable. Usage errors throw (`exitOverride`) so the caller
 * maps them to exit code 2; output goes to the injected streams.
 *
 * @example
 * await createProgram('bi-performance', env).parseAsync(process.argv)
 */
export function createProgram(binary: Binary, env: CommandEnv): Command {
  const errStyle = createStyle(env.io.stderr, env.io.env)
  const program = new Command(binary)
    .version(version, '-v, --version')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => env.io.stdout.write(text),
      writeErr: (text) => env.io.stderr.write(text),
    })
  if (binary === 'bi-performance') {
    program.description('Check, tune and benchmark bi-perf services from the terminal.')
    addPerformanceCommands(program, env)
    reportUsageErrorsInOneLine(program, errStyle)
    return program
  }
  program.description('The bi-perf toolkit. Performance commands live under `bi-perf performance`.')
  const performance = program
    .command('performance')
    .description(
      'status, metrics, profiles, cache clears, benchmarks, recommendations, live monitor',
    )
  addPerformanceCommands(performance, env)
  reportUsageErrorsInOneLine(program, errStyle)
  return program
}

/**
 * Commander's usage errors as one line each, on `command` and every subcommand below it:
 * `bi-performance: unknown option '--jsno' (did you mean --json?); see bi-performance status
 * --help`, instead of the error followed by 20–40 lines of help.
 */
function reportUsageErrorsInOneLine(command: Command, style: Style): void {
  const path = commandPath(command)
  command.configureOutput({
    outputError: (text, write) => write(`${style.red(`${path[0]}: ${usageLine(text, path)}`)}\n`),
  })
  for (const sub of command.commands) reportUsageErrorsInOneLine(sub, style)
}

function commandPath(command: Command): string[] {
  const names: string[] = []
  for (let current: Command | null = command; current; current = current.parent) {
    names.unshift(current.name())
  }
  return names
}

/**
 * One of commander's error messages (`error: unknown command 'statsu'\n(Did you mean
 * status?)`) as one line ending with where to look.
 *
 * @example
 * usageLine("error: unknown command 'statsu'\n(Did you mean status?)\n", ['bi-performance'])
 * // "unknown command 'statsu' (did you mean status?); see bi-performance --help"
 */
export function usageLine(message: string, path: readonly string[]): string {
  const [first = '', ...rest] = message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const hints = rest.map((line) => line.replace(/^\((.*)\)$/, '$1')).map(lowerFirst)
  const hint = hints.length > 0 ? ` (${hints.join('; ')})` : ''
  return `${`${first}${hint}`.replace(/\.$/, '')}; see ${path.join(' ')} --help`
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
