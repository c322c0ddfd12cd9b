import { createOptionReader, describeValue } from '@bi-perf/internal'
import { postgresUrl } from '@bi-perf/test-services'

/** Options of {@link runSoak}, as a caller gives them: durations in ms or `'30s'`-style strings. */
export interface SoakOptions {
  /**
   * How long the load and the faults run, after the warm-up.
   * @default '10m'
   */
  duration?: number | string
  /**
   * Load before the first measurement: JIT, pools and caches settle, memory is sampled after it.
   * @default '15s'
   */
  warmup?: number | string
  /**
   * Time between two faults (the next one also waits until the previous window closed).
   * @default '60s'
   */
  faultEvery?: number | string
  /**
   * Adds a real PostgreSQL restart (`pg_ctlcluster … restart`) to the rotation. It restarts the
   * shared server, so it is never on by default.
   * @default false
   */
  pgRestart?: boolean
  /**
   * Seed of every random choice (fault timing, victims, the SIGTERM moment, cache keys).
   * @default a random one, printed
   */
  seed?: number
  /**
   * A fault window lasts from the injection until the component is back, plus this grace.
   * @default '5s'
   */
  grace?: number | string
  /**
   * Requests per second of the main load, spread over `connections`.
   * @default 150
   */
  rate?: number
  /**
   * Keep-alive connections of the main load.
   * @default 8
   */
  connections?: number
  /**
   * How long an API or worker process may take to exit after SIGTERM: the 10 s drain timeout of
   * apps/api/src/main.ts and worker.ts plus a margin.
   * @default '15s'
   */
  exitDeadline?: number | string
  /**
   * The cache's staleness bound while connected (packages/cache/README.md, "Consistency
   * guarantee": the bus delivery time; the chaos test allows 100 ms).
   * @default '100ms'
   */
  stalenessBound?: number | string
  /**
   * How long the tasks accepted during the run get to complete before the shutdown.
   * @default '90s'
   */
  drainTimeout?: number | string
  /**
   * Whether memory growth above 10 % fails the run or is only reported (short runs are noisy).
   * @default 'enforce'
   */
  memory?: 'enforce' | 'report'
  /**
   * Keep the run directory (logs, probe files) always, or only when a criterion failed.
   * @default 'always'
   */
  keepLogs?: 'always' | 'on-failure'
  /**
   * PostgreSQL server URL; the soak creates and drops its own database on that server.
   * @default postgresUrl() of `@bi-perf/test-services`: `DATABASE_URL`, else the local server's
   * `test` database
   */
  databaseUrl?: string
  /**
   * Writes progress lines (fault injected, recovered…) here.
   * @default process.stdout
   */
  log?: (line: string) => void
  /** Aborts the run (SIGINT): everything started is stopped and removed. */
  signal?: AbortSignal
}

/** {@link SoakOptions} resolved: durations in milliseconds, every default filled in. */
export interface ResolvedSoakOptions {
  durationMs: number
  warmupMs: number
  faultEveryMs: number
  pgRestart: boolean
  seed: number
  graceMs: number
  rate: number
  connections: number
  exitDeadlineMs: number
  stalenessBoundMs: number
  drainTimeoutMs: number
  memory: 'enforce' | 'report'
  keepLogs: 'always' | 'on-failure'
  databaseUrl: string
  log: (line: string) => void
  signal: AbortSignal | undefined
}

// The harness validates with the same rules as the packages; a plain Error is enough for a CLI.
const invalid = (field: string, value: unknown, rule: string) =>
  new Error(`soak option ${field} ${describeValue(value)}: ${rule}`)
const read = createOptionReader({ option: invalid, duration: invalid })

/** Every name {@link SoakOptions} has; the compiler fails here when one is added and not listed. */
const OPTION_NAMES = Object.keys({
  duration: true,
  warmup: true,
  faultEvery: true,
  pgRestart: true,
  seed: true,
  grace: true,
  rate: true,
  connections: true,
  exitDeadline: true,
  stalenessBound: true,
  drainTimeout: true,
  memory: true,
  keepLogs: true,
  databaseUrl: true,
  log: true,
  signal: true,
} satisfies Record<keyof SoakOptions, true>)

/**
 * Resolves the options once, with their defaults; throws naming the bad option.
 *
 * @example
 * const options = resolveSoakOptions({ duration: '60s', faultEvery: '10s' })
 */
export function resolveSoakOptions(options: SoakOptions = {}): ResolvedSoakOptions {
  read.fields('', options, OPTION_NAMES)
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`)
  return {
    durationMs: read.duration('duration', options.duration ?? '10m'),
    warmupMs: read.duration('warmup', options.warmup ?? '15s'),
    faultEveryMs: read.duration('faultEvery', options.faultEvery ?? '60s'),
    pgRestart: options.pgRestart ?? false,
    seed,
    graceMs: read.duration('grace', options.grace ?? '5s'),
    rate: read.count('rate', options.rate ?? 150),
    connections: read.count('connections', options.connections ?? 8),
    exitDeadlineMs: read.duration('exitDeadline', options.exitDeadline ?? '15s'),
    stalenessBoundMs: read.duration('stalenessBound', options.stalenessBound ?? '100ms'),
    drainTimeoutMs: read.duration('drainTimeout', options.drainTimeout ?? '90s'),
    memory: read.oneOf('memory', options.memory ?? 'enforce', ['enforce', 'report']),
    keepLogs: read.oneOf('keepLogs', options.keepLogs ?? 'always', ['always', 'on-failure']),
    databaseUrl: options.databaseUrl ?? postgresUrl(),
    log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    signal: options.signal,
  }
}
