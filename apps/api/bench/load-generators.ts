// The two load generators of bench/http.ts behind one shape: autocannon (in this process) and
// wrk (a child process, C, its own event loop), so a figure never rests on one client.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import { ensureWrk } from '../test/ensure-wrk.js'

/** One run of one load generator against one URL. */
export interface LoadRun {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  /** Non-2xx/3xx answers, socket errors and timeouts: any is a failed run. */
  failed: number
}

/** What to load and how hard. */
export interface LoadOptions {
  url: string
  headers?: Record<string, string>
  connections: number
  durationSeconds: number
}

/** The load generators by name. */
export type LoadGeneratorName = 'autocannon' | 'wrk'

const execFileAsync = promisify(execFile)

/**
 * Loads `options.url` with the named generator and reports the same figures from both.
 *
 * @example
 * const run = await runLoad('wrk', { url, connections: 10, durationSeconds: 5 })
 */
export function runLoad(generator: LoadGeneratorName, options: LoadOptions): Promise<LoadRun> {
  return generator === 'wrk' ? runWrk(options) : runAutocannon(options)
}

async function runAutocannon(options: LoadOptions): Promise<LoadRun> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers ?? {},
  })
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  }
}

async function runWrk(options: LoadOptions): Promise<LoadRun> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
    '-H',
    `${name}: ${value}`,
  ])
  // One thread, like autocannon's one event loop: on two cores a second wrk thread only takes
  // CPU from the server it measures.
  const { stdout } = await execFileAsync(
    ensureWrk(),
    [
      '-t1',
      `-c${options.connections}`,
      `-d${options.durationSeconds}s`,
      '--latency',
      ...headerArgs,
      options.url,
    ],
    { encoding: 'utf8', timeout: (options.durationSeconds + 30) * 1000 },
  )
  const reqPerSec = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
  if (!Number.isFinite(reqPerSec)) throw new Error(`unreadable wrk output:\n${stdout}`)
  const nonOk = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
    .exec(stdout)
    ?.slice(1)
    .reduce((sum, count) => sum + Number(count), 0)
  return {
    reqPerSec,
    p50Ms: wrkLatencyMs(stdout, '50%'),
    p99Ms: wrkLatencyMs(stdout, '99%'),
    failed: nonOk + (socketErrors ?? 0),
  }
}

/** A percentile of wrk's `--latency` table (`99%  1.23ms`), in milliseconds. */
function wrkLatencyMs(stdout: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout)
  if (!match) return NaN
  const value = Number(match[1])
  const scale = match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1
  return Math.round(value * scale * 100) / 100
}
