import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

/** What one run of a child process cost. */
export interface ChildRun {
  /** From spawn to exit, or to the first byte on stdout with `untilFirstOutput`. */
  wallMs: number
  /** Peak resident set size of the child (its own `process.resourceUsage().maxRSS`). */
  maxRssBytes: number
  /** The longest the child's event loop was blocked, from its first line to its exit. */
  maxLoopBlockMs: number
}

/** How to run one measured child. */
export interface ChildOptions {
  /** Arguments after `node` (the probe preload goes first). */
  args: readonly string[]
  cwd: string
  env: Record<string, string>
  /** Stop the clock at the first output on stdout, then end the child with SIGTERM. */
  untilFirstOutput?: boolean
}

const probe = join(import.meta.dirname, 'startup-probe.mjs')

/**
 * Runs `node --import startup-probe.mjs …args` once and measures it, the way hyperfine would
 * plus what only the child can see: its peak RSS and its longest event-loop block.
 *
 * @example
 * const run = await timeChild({ args: ['dist/bi-performance.js', 'status', '--json'], cwd, env })
 */
export async function timeChild(options: ChildOptions): Promise<ChildRun> {
  const report = join(tmpdir(), `bi-perf-cli-bench-${randomBytes(6).toString('hex')}.jsonl`)
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', probe, ...options.args], {
    cwd: options.cwd,
    env: { ...options.env, STARTUP_PROBE_FILE: report },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let wallMs: number | undefined
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout.on('data', () => {
    if (!options.untilFirstOutput || wallMs !== undefined) return
    wallMs = performance.now() - started
    child.kill('SIGTERM')
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  wallMs ??= performance.now() - started
  // A monitor ended by SIGTERM exits 0 (it restores the terminal and quits); `status` may exit 1
  // when the machine is "down", which is an answer too.
  if (code !== 0 && code !== 1) {
    throw new Error(`node ${options.args.join(' ')} exited with ${code}:\n${stderr}`)
  }
  try {
    const line = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? '{}'
    const { maxRssBytes, maxLoopBlockMs } = JSON.parse(line) as ChildRun
    return { wallMs, maxRssBytes, maxLoopBlockMs }
  } finally {
    rmSync(report, { force: true })
  }
}
