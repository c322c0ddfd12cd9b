/* global process, setTimeout, clearTimeout */
// Child processes of the release checks. Each runs in its own process group, so a timeout or an
// interrupted run ends the command and everything it started (npm's install scripts, a server)
// through the one pid we spawned, never by name.
import { spawn } from 'node:child_process'

/** Output kept per process: enough for the last lines of a failure, bounded for a chatty one. */
const KEPT_CHARS = 64 * 1024
/** Standard output kept whole up to this size: a command's JSON document. */
const KEPT_STDOUT_CHARS = 4 * 1024 * 1024

/** Process groups still running, ended by `endAll` when the run is interrupted. */
const running = new Set()

/**
 * Runs `command` to its end or until `timeoutMs`, then kills its group.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number }} options
 * @returns {Promise<{ code: number | null, stdout: string, output: string, timedOut: boolean }>}
 *   `output` interleaves stdout and stderr in arrival order
 */
export function runCommand(command, args, { cwd, env, timeoutMs }) {
  const child = start(command, args, { cwd, env })
  return new Promise((resolve) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      signalGroup(child, 'SIGKILL')
    }, timeoutMs)
    child.process.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: child.stdout(), output: child.output(), timedOut })
    })
  })
}

/**
 * Starts a long-running command (a server) and hands back its pid, its output so far and a
 * `stop` that sends SIGTERM, waits up to `graceMs` for the exit, then kills the group.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 */
export function startCommand(command, args, options) {
  const child = start(command, args, options)
  const exit = new Promise((resolve) => child.process.once('close', (code) => resolve(code)))
  let exitCode
  void exit.then((code) => (exitCode = code))
  return {
    pid: child.process.pid,
    output: child.output,
    /** The exit code once the process has ended, `undefined` while it runs. */
    exitCode: () => exitCode,
    /** @returns {Promise<{ code: number | null, killed: boolean }>} */
    async stop(graceMs) {
      if (exitCode !== undefined) return { code: exitCode, killed: false }
      child.process.kill('SIGTERM')
      let timer
      const late = new Promise((resolve) => (timer = setTimeout(resolve, graceMs, 'late')))
      const first = await Promise.race([exit, late])
      clearTimeout(timer)
      if (first !== 'late') return { code: first, killed: false }
      signalGroup(child, 'SIGKILL')
      return { code: await exit, killed: true }
    },
  }
}

/** Kills every process group this run started and that still runs (an interrupted run). */
export function endAll() {
  for (const child of running) signalGroup(child, 'SIGKILL')
}

function start(command, args, { cwd, env }) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let output = ''
  const keep = (text, chunk, size = KEPT_CHARS) => (text + chunk).slice(-size)
  child.stdout.on('data', (chunk) => {
    stdout = keep(stdout, chunk, KEPT_STDOUT_CHARS)
    output = keep(output, chunk)
  })
  child.stderr.on('data', (chunk) => (output = keep(output, chunk)))
  child.once('error', (error) => (output = keep(output, `\n${error.message}\n`)))
  const entry = { process: child, stdout: () => stdout, output: () => output }
  running.add(entry)
  child.once('close', () => running.delete(entry))
  return entry
}

function signalGroup(child, signal) {
  try {
    // A negative pid addresses the group this child leads (spawned with `detached`).
    process.kill(-child.process.pid, signal)
  } catch {
    // The group has already ended.
  }
}
