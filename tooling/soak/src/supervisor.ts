import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { join } from 'node:path'

/** How a process ended. */
export interface ProcessExit {
  /** Epoch ms of the `exit` event. */
  at: number
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process the soak started, with its log file. */
export interface Managed {
  /** `api`, `worker-1`, `worker-1#2` (its second incarnation), `cache-writer`… */
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  readonly startedAt: number
  /** Its stdout and stderr, appended as they come (until {@link Supervisor.stallLog}). */
  readonly log: string
  /** Set once it exited. */
  exit: ProcessExit | undefined
  /** Resolves when it exited. */
  readonly exited: Promise<ProcessExit>
}

/** How to start a process. */
export interface SpawnSpec {
  name: string
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** Working directory. */
  cwd: string
  /** Opens a Node IPC channel (`process.send`) to the child. */
  ipc?: boolean
}

/**
 * Starts the soak's processes, pipes their output to log files, and guarantees none outlives the
 * harness: every child is SIGKILLed by its pid on `process.exit`, whatever path led there
 * (normal end, a thrown error, SIGINT handled by the CLI). Processes started by others
 * (OwnedRedis) are adopted so the same rule covers them.
 *
 * @example
 * const supervisor = new Supervisor(dir)
 * const api = supervisor.spawn({ name: 'api', command: process.execPath, args: [entry], env })
 * supervisor.dispose() // SIGKILLs whatever still runs
 */
export class Supervisor {
  readonly #dir: string
  readonly #live = new Map<number, ChildProcess>()
  readonly #logs = new Map<ChildProcess, WriteStream>()
  readonly #onExit = () => this.killAll()

  constructor(dir: string) {
    this.#dir = dir
    process.on('exit', this.#onExit)
  }

  /** Spawns a process with piped stdout/stderr written to `<dir>/<name>.log`. */
  spawn(spec: SpawnSpec): Managed {
    const log = join(this.#dir, `${spec.name.replace(/[^\w.-]/g, '_')}.log`)
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    })
    // A failed spawn reports an 'error' event too; the missing pid below says it already.
    child.on('error', () => {})
    if (child.pid === undefined) throw new Error(`could not start ${spec.name}: no pid`)
    const file = createWriteStream(log, { flags: 'a' })
    this.#logs.set(child, file)
    child.stdout?.pipe(file, { end: false })
    child.stderr?.pipe(file, { end: false })
    const managed = this.#track(spec.name, child, log)
    void managed.exited.then(() => {
      // The pipes may still hold the last lines; end the file once both are drained.
      let open = 2
      const done = () => --open === 0 && file.end()
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream || stream.readableEnded || stream.destroyed) done()
        else stream.once('close', done)
      }
    })
    return managed
  }

  /** Adopts a process someone else spawned (OwnedRedis), so the exit rule covers it. */
  adopt(name: string, child: ChildProcess): Managed {
    if (child.pid === undefined) throw new Error(`cannot adopt ${name}: no pid`)
    return this.#track(name, child, '')
  }

  /**
   * Stops reading a process's stdout: its pipe fills and its writes block, as when a log
   * shipper stalls. The output is no longer logged; the pipe is destroyed once the process exits.
   */
  stallLog(managed: Managed) {
    const stdout = managed.child.stdout
    if (!stdout) return
    stdout.unpipe()
    stdout.pause()
    void managed.exited.then(() => stdout.destroy())
  }

  /** SIGKILLs every process still running, by pid. Synchronous: safe in an `exit` handler. */
  killAll() {
    for (const [pid, child] of this.#live) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }

  /** Kills what still runs, closes the log files and forgets the exit hook. Idempotent. */
  dispose() {
    this.killAll()
    for (const file of this.#logs.values()) if (!file.closed) file.end()
    process.off('exit', this.#onExit)
  }

  #track(name: string, child: ChildProcess, log: string): Managed {
    const pid = child.pid!
    this.#live.set(pid, child)
    let resolveExit!: (exit: ProcessExit) => void
    const exited = new Promise<ProcessExit>((resolve) => (resolveExit = resolve))
    const managed: Managed = {
      name,
      child,
      pid,
      startedAt: Date.now(),
      log,
      exit: undefined,
      exited,
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      this.#live.delete(pid)
      managed.exit = { at: Date.now(), code, signal }
      resolveExit(managed.exit)
    }
    if (child.exitCode !== null || child.signalCode !== null)
      onExit(child.exitCode, child.signalCode)
    else child.once('exit', onExit)
    child.on('error', () => {})
    return managed
  }
}

/** Whether the process has not exited yet. */
export function running(managed: Managed): boolean {
  return managed.exit === undefined
}

/** Sends a signal by pid unless the process has exited already. */
export function signal(managed: Managed, name: NodeJS.Signals) {
  if (!running(managed)) return
  try {
    process.kill(managed.pid, name)
  } catch {
    // Already gone.
  }
}
