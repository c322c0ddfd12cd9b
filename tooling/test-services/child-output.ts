import { spawn, type ChildProcess } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'

// What tests and benchmarks read from the processes they start: their output while they run,
// and how they ended.

/**
 * A child process's output so far; each call reads what has arrived until then. The readers are
 * plain functions, safe to pass around on their own.
 */
export interface CapturedOutput {
  /** Everything written to stdout. */
  readonly stdout: () => string
  /** Everything written to stderr. */
  readonly stderr: () => string
  /** stdout and stderr interleaved in the order their chunks arrived, as a terminal shows them. */
  readonly all: () => string
}

/**
 * Collects what `child` writes to its piped stdout and stderr (a stream that is not piped is
 * left alone), so a test can poll it while the process runs and read all of it after `'close'`.
 *
 * @example
 * const output = captureOutput(spawn('script', ['-qfec', line, '/dev/null']))
 * await waitFor(() => output.all().includes('listening on'))
 */
export function captureOutput(child: ChildProcess): CapturedOutput {
  const text = { stdout: '', stderr: '', all: '' }
  for (const name of ['stdout', 'stderr'] as const) {
    // One decoder per stream: a UTF-8 character split across two chunks stays whole.
    const decoder = new StringDecoder('utf8')
    child[name]?.on('data', (chunk: Buffer) => {
      const decoded = decoder.write(chunk)
      text[name] += decoded
      text.all += decoded
    })
  }
  return { stdout: () => text.stdout, stderr: () => text.stderr, all: () => text.all }
}

/** How {@link runProcess} runs a command. */
export interface RunProcessOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Written to stdin, which is then closed; without it stdin is `/dev/null`. */
  input?: string
  /** Killed with SIGKILL (its own pid, nothing else) after this many milliseconds (default 60,000). */
  timeoutMs?: number
}

/** How a process run by {@link runProcess} ended, and what it wrote. */
export interface ProcessResult {
  /** The exit code; `null` when a signal ended it. */
  code: number | null
  /** The signal that ended it (SIGKILL after the timeout), else `null`. */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Wall time from spawn until its output closed, in milliseconds. */
  ms: number
}

/**
 * Runs `command args…` to completion and resolves with its exit code or signal and its whole
 * output; rejects only when it cannot be started. After `timeoutMs` it is killed, so a hung
 * child ends the test with its output rather than hanging it.
 *
 * @example
 * const { code, stdout } = await runProcess(process.execPath, [cliBin, '--help'], { input: '' })
 */
export function runProcess(
  command: string,
  args: readonly string[],
  { cwd, env, input, timeoutMs = 60_000 }: RunProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const output = captureOutput(child)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    // 'close', not 'exit': only then has all of its output been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code,
        signal,
        stdout: output.stdout(),
        stderr: output.stderr(),
        ms: Date.now() - started,
      })
    })
    child.stdin?.end(input)
  })
}
