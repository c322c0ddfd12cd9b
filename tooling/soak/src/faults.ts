import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { promisify } from 'node:util'
import type { SoakRandom } from './random.js'
import { sleep } from './sleep.js'
import { signal } from './supervisor.js'
import type { Topology } from './topology.js'

const run = promisify(execFile)

/** The faults, in the order they rotate. `pg-restart` only with `--pg-restart`. */
export const FAULT_KINDS = [
  'redis-kill',
  'redis-stop',
  'pg-terminate',
  'worker-kill',
  'pg-restart',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** How long Redis stays dead after its SIGKILL before the harness starts it again. */
const REDIS_DOWN_MS = 2_000
/** How long Redis stays stopped (SIGSTOP) before SIGCONT. */
const REDIS_STOP_MS = 3_000
/** How long a supervisor waits before starting a crashed worker again. */
const WORKER_RESTART_DELAY_MS = 1_000

/** One fault as it happened. */
export interface FaultRecord {
  kind: FaultKind
  /** What exactly was done (which worker, how many connections…). */
  detail: string
  /** Epoch ms of the injection. */
  injectedAt: number
  /** When the harness undid its part (restart, SIGCONT); the injection time when none. */
  restoredAt: number
  /** When the recovery probe turned green; unset when it never did. */
  recoveredAt?: number
  /** When the probe gave up, and what it last saw, when it never turned green. */
  probeEndedAt?: number
  lastProbe?: string
  /** Epoch ms and instance name of a worker killed by this fault (for the task ledger). */
  killedWorker?: { instance: string; at: number }
}

/**
 * Injects one fault and undoes the harness's part of it (restarts Redis or the killed worker,
 * resumes a stopped Redis); the recovery of the system itself is measured separately.
 *
 * @example
 * const record = await injectFault('redis-kill', topology, random)
 */
export async function injectFault(
  kind: FaultKind,
  topology: Topology,
  random: SoakRandom,
): Promise<FaultRecord> {
  const injectedAt = Date.now()
  switch (kind) {
    case 'redis-kill': {
      await topology.redis.kill()
      await sleep(REDIS_DOWN_MS)
      await topology.restartRedis()
      return {
        kind,
        detail: `SIGKILL, restarted after ${REDIS_DOWN_MS} ms on its AOF`,
        injectedAt,
        restoredAt: Date.now(),
      }
    }
    case 'redis-stop': {
      topology.redis.pause()
      await sleep(REDIS_STOP_MS)
      topology.redis.resume()
      return { kind, detail: `SIGSTOP for ${REDIS_STOP_MS} ms`, injectedAt, restoredAt: Date.now() }
    }
    case 'pg-terminate': {
      const terminated = await topology.db.terminateApp()
      return {
        kind,
        detail: `pg_terminate_backend of ${terminated} app connections`,
        injectedAt,
        restoredAt: Date.now(),
      }
    }
    case 'pg-restart': {
      const version = readdirSync('/etc/postgresql')[0]
      if (!version) throw new Error('no cluster under /etc/postgresql')
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
        timeout: 120_000,
      })
      return {
        kind,
        detail: `pg_ctlcluster ${version} main restart`,
        injectedAt,
        restoredAt: Date.now(),
      }
    }
    case 'worker-kill': {
      const slot = random.int(0, topology.workers.length - 1)
      const victim = topology.workers[slot]!
      const instance = topology.instanceOf(victim)
      signal(victim.managed, 'SIGKILL')
      await victim.managed.exited
      await sleep(WORKER_RESTART_DELAY_MS)
      const restarted = topology.restartWorker(slot)
      return {
        kind,
        detail: `SIGKILL ${victim.managed.name} (pid ${victim.managed.pid}), restarted as ${restarted.managed.name} (pid ${restarted.managed.pid})`,
        injectedAt,
        restoredAt: Date.now(),
        killedWorker: { instance, at: injectedAt },
      }
    }
  }
}
