import { signal, type Managed } from './supervisor.js'

/** Past its deadline a process gets this much longer before SIGKILL, to measure how late it is. */
const OVERTIME_MS = 5_000

/** How one process took its SIGTERM. */
export interface ExitRecord {
  name: string
  pid: number
  deadlineMs: number
  /** Time from SIGTERM to exit, ms; `null` when it had to be SIGKILLed. */
  exitMs: number | null
  code: number | null
  signal: NodeJS.Signals | null
  /** SIGKILLed after deadline + 5 s. */
  killed: boolean
  /** Its stdout was not read while it shut down. */
  stalledLog: boolean
  /**
   * For a stalled log: bytes waiting unread in the harness's buffer at the SIGTERM, and whether
   * that buffer was full (then the pipe behind it is filling or full too).
   */
  stalledBuffer?: { bytes: number; full: boolean }
  /** Exited by itself, with code 0, within the deadline. */
  ok: boolean
}

/** A process to stop and the time it has. */
export interface StopTarget {
  managed: Managed
  deadlineMs: number
  stalledLog?: boolean
}

/**
 * Sends SIGTERM to every target at the same moment and waits for each: exit time and code
 * against its deadline; one still running at deadline + 5 s is SIGKILLed (and fails).
 *
 * @example
 * const exits = await terminate([{ managed: api, deadlineMs: 15_000 }])
 */
export async function terminate(targets: readonly StopTarget[]): Promise<ExitRecord[]> {
  const buffers = targets.map(({ managed, stalledLog }) => {
    const stdout = managed.child.stdout
    if (!stalledLog || !stdout) return undefined
    return {
      bytes: stdout.readableLength,
      full: stdout.readableLength >= stdout.readableHighWaterMark,
    }
  })
  const sentAt = Date.now()
  for (const target of targets) signal(target.managed, 'SIGTERM')
  return Promise.all(
    targets.map(async ({ managed, deadlineMs, stalledLog = false }, index) => {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deadlineMs + OVERTIME_MS)
        timer.unref()
      })
      const outcome = await Promise.race([managed.exited, late])
      clearTimeout(timer)
      let killed = false
      if (outcome === 'late') {
        killed = true
        signal(managed, 'SIGKILL')
      }
      const exit = await managed.exited
      const exitMs = killed ? null : exit.at - sentAt
      return {
        name: managed.name,
        pid: managed.pid,
        deadlineMs,
        exitMs,
        code: exit.code,
        signal: exit.signal,
        killed,
        stalledLog,
        ...(buffers[index] ? { stalledBuffer: buffers[index] } : {}),
        // A process that had died before the SIGTERM did not shut down at all.
        ok: !killed && exit.code === 0 && exitMs !== null && exitMs >= 0 && exitMs <= deadlineMs,
      }
    }),
  )
}
