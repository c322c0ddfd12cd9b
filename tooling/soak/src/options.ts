import { readDuration } from '@bi-perf/internal'

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
   * @default process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
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

/**
 * Resolves the options once, with their defaults; throws naming the bad option.
 *
 * @example
 * const options = resolveSoakOptions({ duration: '60s', faultEvery: '10s' })
 */
export function resolveSoakOptions(options: SoakOptions = {}): ResolvedSoakOptions {
  const positive = (name: string, value: number | undefined, fallback: number) => {
    const resolved = value ?? fallback
    if (!Number.isInteger(resolved) || resolved < 1)
      throw new Error(`${name} must be a positive integer, got ${String(value)}`)
    return resolved
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`)
  const memory = options.memory ?? 'enforce'
  if (memory !== 'enforce' && memory !== 'report')
    throw new Error(`memory must be 'enforce' or 'report', got ${String(memory)}`)
  const keepLogs = options.keepLogs ?? 'always'
  if (keepLogs !== 'always' && keepLogs !== 'on-failure')
    throw new Error(`keepLogs must be 'always' or 'on-failure', got ${String(keepLogs)}`)
  return {
    durationMs: duration('duration', options.duration ?? '10m'),
    warmupMs: duration('warmup', options.warmup ?? '15s'),
    faultEveryMs: duration('faultEvery', options.faultEvery ?? '60s'),
    pgRestart: options.pgRestart ?? false,
    seed,
    graceMs: duration('grace', options.grace ?? '5s'),
    rate: positive('rate', options.rate, 150),
    connections: positive('connections', options.connections, 8),
    exitDeadlineMs: duration('exitDeadline', options.exitDeadline ?? '15s'),
    stalenessBoundMs: duration('stalenessBound', options.stalenessBound ?? '100ms'),
    drainTimeoutMs: duration('drainTimeout', options.drainTimeout ?? '90s'),
    memory,
    keepLogs,
    databaseUrl:
      options.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    signal: options.signal,
  }
}

function duration(name: string, value: number | string): number {
  const reading = readDuration(value)
  if ('rule' in reading) throw new Error(`${name}: ${reading.rule}`)
  return reading.ms
}
