import { setTimeout as sleep } from 'node:timers/promises'
import { Option, type Command } from 'commander'
import type { OptimizerMetrics } from '@bi-perf/core'
import { createContext, type CommandContext } from '../context.js'
import { CliError, TokenRejectedError } from '../errors.js'
import {
  monitorSample,
  renderMonitorFrame,
  renderMonitorLine,
  type MonitorSample,
} from '../ui/monitor-view.js'
import { parseDurationOption, parsePositiveInteger } from '../option-parsers.js'
import { FullScreen } from '../ui/screen.js'
import type { Source } from '../source.js'
import type { CommandEnv } from './command-env.js'

interface MonitorOptions {
  interval: number
  count?: number
  json?: boolean
}

/** Samples kept: enough for the widest terminal's sparkline. */
const MAX_SAMPLES = 500

/** Health changes slowly; reading it every 5 s keeps an API's rate limit for the metrics. */
const STATUS_EVERY_MS = 5000

/** Polls metrics every time and the health state at most every {@link STATUS_EVERY_MS}. */
function createPoller(
  source: Source,
): () => Promise<{ metrics: OptimizerMetrics; state: MonitorSample['state'] }> {
  let state: MonitorSample['state'] = null
  let statusAt = 0
  return async () => {
    const now = Date.now()
    const statusDue = source.mode === 'local' || now - statusAt >= STATUS_EVERY_MS
    const [metrics, status] = await Promise.all([
      source.metrics(),
      statusDue ? source.status() : Promise.resolve(undefined),
    ])
    if (status) {
      state = status.state
      statusAt = now
    }
    return { metrics, state }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Runs the polling loop until `signal` aborts or `count` samples were taken; calls `onSample`
 * after each successful poll and `onError` after each failed one (the first failure throws:
 * with no figures at all there is nothing to monitor).
 */
async function loop(
  source: Source,
  options: MonitorOptions,
  signal: AbortSignal,
  handlers: {
    onSample(sample: MonitorSample, metrics: OptimizerMetrics): void
    onError(error: unknown): void
  },
): Promise<void> {
  let previous: { metrics: OptimizerMetrics; sample: MonitorSample } | undefined
  let taken = 0
  const poll = createPoller(source)
  while (!signal.aborted) {
    const started = Date.now()
    try {
      const { metrics, state } = await poll()
      const sample = monitorSample(metrics, state, previous)
      previous = { metrics, sample }
      taken += 1
      handlers.onSample(sample, metrics)
    } catch (error) {
      // A rejected token will not get better by retrying, and a first failure means a wrong URL.
      if (previous === undefined || error instanceof TokenRejectedError) throw error
      handlers.onError(error)
    }
    if (options.count !== undefined && taken >= options.count) return
    if (!(await untilNextUpdate(source, options.interval, started, signal))) return
  }
}

/**
 * Waits for the next update; `false` once `signal` aborted. A local source says when its
 * monitor has a fresh sample, so each frame shows new figures rather than racing the sampler's
 * timer; a remote one (or a local one without a monitor) is polled every `intervalMs`.
 */
async function untilNextUpdate(
  source: Source,
  intervalMs: number,
  started: number,
  signal: AbortSignal,
): Promise<boolean> {
  if (source.nextSample) {
    // Twice the interval: a sampler that fell behind must not freeze the view.
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(intervalMs * 2)])
    if (await source.nextSample(bounded)) return !signal.aborted
  }
  try {
    await sleep(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal })
    return true
  } catch {
    return false // aborted
  }
}

function stopSignals(stop: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const name of signals) process.on(name, stop)
  return () => {
    for (const name of signals) process.off(name, stop)
  }
}

async function runPlain(
  context: CommandContext,
  source: Source,
  options: MonitorOptions,
): Promise<void> {
  const controller = new AbortController()
  const removeSignals = stopSignals(() => controller.abort())
  try {
    await loop(source, options, controller.signal, {
      onSample(sample) {
        context.print(options.json ? JSON.stringify(sample) : renderMonitorLine(sample))
      },
      onError(error) {
        context.io.stderr.write(
          `${context.errStyle.red(`update failed: ${errorText(error)} (retrying)`)}\n`,
        )
      },
    })
  } finally {
    removeSignals()
  }
}

async function runFullScreen(
  context: CommandContext,
  source: Source,
  options: MonitorOptions,
): Promise<void> {
  const { io } = context
  const screen = new FullScreen(io.stdout)
  const controller = new AbortController()
  const samples: MonitorSample[] = []
  let latest: OptimizerMetrics | null = null
  let lastError: string | null = null
  const redraw = () =>
    screen.draw(
      renderMonitorFrame(
        {
          label: source.label,
          samples,
          metrics: latest,
          error: lastError,
          intervalMs: options.interval,
        },
        screen.size().columns,
        context.style,
      ),
    )

  // Every way out restores the terminal: q, Ctrl-C (a key in raw mode), signals, a crash.
  const input = io.stdin
  const raw = input.isTTY === true && typeof input.setRawMode === 'function'
  const onKey = (data: Buffer | string) => {
    const key = data.toString()
    if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u001B') controller.abort()
  }
  const onResize = () => {
    screen.invalidate()
    redraw()
  }
  const restore = () => {
    screen.leave()
    if (raw) input.setRawMode?.(false)
  }
  const onCrash = (error: unknown) => {
    restore()
    io.stderr.write(`bi-performance: monitor crashed: ${errorText(error)}\n`)
    process.exit(1)
  }
  const removeSignals = stopSignals(() => controller.abort())
  process.on('exit', restore)
  process.on('uncaughtException', onCrash)
  io.stdout.on('resize', onResize)
  if (raw) {
    input.setRawMode?.(true)
    input.on('data', onKey)
    input.resume()
  }
  screen.enter()
  try {
    redraw()
    await loop(source, options, controller.signal, {
      onSample(sample, metrics) {
        samples.push(sample)
        if (samples.length > MAX_SAMPLES) samples.shift()
        latest = metrics
        lastError = null
        redraw()
      },
      onError(error) {
        lastError = errorText(error)
        redraw()
      },
    })
  } finally {
    restore()
    removeSignals()
    process.off('exit', restore)
    process.off('uncaughtException', onCrash)
    io.stdout.off('resize', onResize)
    if (raw) {
      input.off('data', onKey)
      input.pause()
    }
  }
}

/**
 * `monitor [--interval 1s]`: a live full-screen view with sparklines on a terminal (`q` or
 * Ctrl-C quits and restores the screen); one plain line (or JSON line) per sample otherwise.
 *
 * @example
 * registerMonitorCommand(program, { io, state })
 */
export function registerMonitorCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('monitor')
    .description('live view: CPU, memory, loop delay, hit rate and task backlog as sparklines')
    .addOption(
      new Option('--interval <duration>', 'time between updates')
        .argParser(parseDurationOption)
        .default(1000, '1s'),
    )
    .addOption(
      new Option('--count <n>', 'stop after this many updates').argParser(parsePositiveInteger),
    )
    .option('--json', 'one JSON object per update (JSON lines), never full screen')
    .addHelpText(
      'after',
      `
On a terminal the view takes the whole screen; q or Ctrl-C quits. When stdout is not a terminal
(a pipe, a file, CI) it prints one line per update instead, or one JSON object with --json.`,
    )
    .action(async (options: MonitorOptions, command: Command) => {
      const context = createContext(command, env.io, env.state)
      // No wait for a first sample: the first frame draws at once, with "—" for the figures that
      // need one, and the monitor samples every --interval from then on. Its event-loop delay
      // histogram starts after the CLI's own start-up, which it must not report.
      const source = await context.openSource({ scope: 'read', sampleIntervalMs: options.interval })
      try {
        if (options.json || context.io.stdout.isTTY !== true) {
          await runPlain(context, source, options)
        } else {
          await runFullScreen(context, source, options)
        }
      } catch (error) {
        if (error instanceof CliError) throw error
        throw new CliError('E_CLI_MONITOR', `monitor stopped: ${errorText(error)}`, 1, {
          cause: error,
        })
      } finally {
        await source.close()
      }
    })
}
