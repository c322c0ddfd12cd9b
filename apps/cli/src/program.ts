import { Command, Option } from 'commander'
import { registerBenchmarkCommand } from './commands/benchmark.js'
import { registerClearCacheCommand } from './commands/clear-cache.js'
import type { CommandEnv } from './commands/command-env.js'
import { registerMetricsCommand } from './commands/metrics.js'
import { registerMonitorCommand } from './commands/monitor.js'
import { registerOptimizeCommand } from './commands/optimize.js'
import { registerRecommendationsCommand } from './commands/recommendations.js'
import { registerStatusCommand } from './commands/status.js'
import { registerTokenCommand } from './commands/token.js'
import { parseDurationOption } from './option-parsers.js'
import { createStyle } from './style.js'
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

Exit codes: 0 ok · 1 the checked thing failed (status down, a benchmark regression) ·
            2 usage, configuration, connection or token error
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
  registerTokenCommand(parent, env)
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
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => env.io.stdout.write(text),
      writeErr: (text) => env.io.stderr.write(text),
      outputError: (text, write) => write(errStyle.red(text)),
    })
  if (binary === 'bi-performance') {
    program.description('Check, tune and benchmark bi-perf services from the terminal.')
    addPerformanceCommands(program, env)
    return program
  }
  program.description('The bi-perf toolkit. Performance commands live under `bi-perf performance`.')
  const performance = program
    .command('performance')
    .description(
      'status, metrics, profiles, cache clears, benchmarks, recommendations, live monitor',
    )
  addPerformanceCommands(performance, env)
  return program
}
