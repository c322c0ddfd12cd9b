import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OwnedRedis } from '@bi-perf/test-services'
import { BatchLedger } from './batch-ledger.js'
import { checkConsistency } from './consistency-check.js'
import { startConsistencySampler } from './consistency-sampler.js'
import { judge } from './criteria.js'
import { injectFaults } from './fault-loop.js'
import { FAULT_KINDS, type FaultKind } from './faults.js'
import { startEdgeLoad, startMainLoad, TASKS_PER_BATCH, type RunningLoad } from './load.js'
import { MemoryWatch, type Watched } from './memory.js'
import { resolveSoakOptions, type ResolvedSoakOptions, type SoakOptions } from './options.js'
import { redisWindows, summarizeTraffic } from './phases.js'
import { createRandom, type SoakRandom } from './random.js'
import { Recorder } from './recorder.js'
import { terminate, type ExitRecord } from './shutdown.js'
import { sleep } from './sleep.js'
import { startProfileSwitcher, startStreamReader, type SideClient } from './side-clients.js'
import type { SoakDatabase } from './soak-database.js'
import { running, Supervisor } from './supervisor.js'
import {
  judgeTasks,
  readCompleted,
  readRuns,
  waitCompleted,
  type KilledWorker,
} from './task-ledger.js'
import { BODY_LIMIT_BYTES, startTopology, type NodeProcess, type Topology } from './topology.js'
import type { SoakReport } from './types.js'

/** The profile switch period of the load. */
const PROFILE_EVERY_MS = 30_000
/** Cache peers and Redis get this long to exit after SIGTERM. */
const SMALL_DEADLINE_MS = 5_000
/**
 * How long the API's stdout goes unread before the SIGTERM: at ~40 KB/s of access lines its
 * pipe (64 KiB) and the harness's read buffer fill within a few seconds.
 */
const STALL_MS = [8_000, 12_000] as const
/** The load keeps going at most this long after the final SIGTERM, then stops. */
const LOAD_AFTER_SIGTERM_MS = 1_000

/**
 * Runs the soak: starts the topology, puts it under mixed keep-alive load, injects a fault every
 * `faultEvery` in rotation, waits for the acknowledged tasks, sends SIGTERM to everything at a
 * random moment under load with the API's log reader stalled, and judges the criteria. Every
 * process it started is stopped, the private Redis and the soak database removed, whatever
 * happens (an abort through `signal` included). Resolves with the report; `report.passed` says
 * whether every enforced criterion held.
 *
 * @example
 * const report = await runSoak({ duration: '60s', faultEvery: '10s', memory: 'report' })
 * if (!report.passed) process.exitCode = 1
 */
export async function runSoak(input: SoakOptions = {}): Promise<SoakReport> {
  const options = resolveSoakOptions(input)
  const { log } = options
  log(`soak: seed ${options.seed} (replay with --seed ${options.seed})`)
  const random = createRandom(options.seed)
  const dir = mkdtempSync(join(tmpdir(), 'bi-perf-soak-'))
  const supervisor = new Supervisor(dir)
  const started: { redis?: OwnedRedis; db?: SoakDatabase } = {}
  const stoppers: (() => Promise<unknown>)[] = []
  let passed = false
  try {
    log(`soak: starting the topology (logs in ${dir})`)
    const topology = await startTopology(
      supervisor,
      dir,
      options.databaseUrl,
      started,
      options.signal,
    )
    log(
      `soak: API ${topology.api.url} (pid ${topology.api.managed.pid}), workers ${topology.workers.map((w) => w.managed.pid).join(', ')}, Redis ${topology.redis.url}, database ${topology.db.name}`,
    )
    const report = await soak(topology, options, random, supervisor, dir, stoppers)
    passed = report.passed
    return report
  } finally {
    // Whatever is still running goes now, load first so it does not hammer a dying server.
    await Promise.allSettled(stoppers.map((stop) => stop()))
    supervisor.killAll()
    await started.redis?.stop().catch(() => undefined)
    await started.db
      ?.drop()
      .catch((error: unknown) => log(`soak: could not drop the database: ${String(error)}`))
    supervisor.dispose()
    if (passed && options.keepLogs === 'on-failure') rmSync(dir, { recursive: true, force: true })
  }
}

async function soak(
  topology: Topology,
  options: ResolvedSoakOptions,
  random: SoakRandom,
  supervisor: Supervisor,
  dir: string,
  stoppers: (() => Promise<unknown>)[],
): Promise<SoakReport> {
  const { log, signal } = options
  const startedAt = new Date().toISOString()
  const recorder = new Recorder()
  const batches = new BatchLedger(`s${topology.id}`, TASKS_PER_BATCH)
  const target = {
    url: topology.api.url,
    viewerToken: topology.viewerToken,
    adminToken: topology.adminToken,
    bodyLimit: BODY_LIMIT_BYTES,
  }
  const loads: RunningLoad[] = [
    startMainLoad(target, options, recorder, batches),
    startEdgeLoad(target, recorder),
  ]
  const side: SideClient[] = [
    startProfileSwitcher(topology.api.url, topology.adminToken, PROFILE_EVERY_MS, recorder),
    startStreamReader(topology.api.url, topology.viewerToken, recorder),
  ]
  const sampler = startConsistencySampler(topology.writer, topology.reader, random)
  let samplerStopped: ReturnType<typeof sampler.stop> | undefined
  const stopSampler = () => (samplerStopped ??= sampler.stop())
  const stopLoads = once(() => Promise.all([...loads, ...side].map((client) => client.stop())))
  stoppers.push(stopLoads, stopSampler)

  await sleep(options.warmupMs, signal)
  const mainStart = Date.now()
  const mainEnd = mainStart + options.durationMs
  const memory = new MemoryWatch()
  const watched = () => topology.nodes.filter((n) => running(n.managed)).map(watch)
  memory.checkpoint('start', watched())
  log(`soak: warm-up done, ${options.durationMs / 1000} s of load and faults`)
  const middle = setTimeout(() => memory.checkpoint('middle', watched()), options.durationMs / 2)
  middle.unref()

  const rotation: FaultKind[] = FAULT_KINDS.filter(
    (kind) => kind !== 'pg-restart' || options.pgRestart,
  )
  const faults = await injectFaults(topology, options, random, rotation, mainStart, mainEnd)
  await sleep(mainEnd - Date.now(), signal)
  clearTimeout(middle)
  memory.checkpoint('end', watched())
  const cutoff = Date.now()

  const checked = batches.accepted(cutoff)
  const drain = await waitCompleted(topology.db.pool, checked, options.drainTimeoutMs, signal)
  log(
    `soak: ${drain.done} of ${drain.expected} acknowledged tasks completed after ${(drain.ms / 1000).toFixed(1)} s`,
  )

  // The final SIGTERM comes at a random moment under load, with the API's stdout not read for a
  // while before it: the API writes an access line per request, so its pipe fills first.
  await sleep(random.int(2_000, 5_000), signal)
  const stallAt = Date.now()
  supervisor.stallLog(topology.api.managed)
  await sleep(random.int(STALL_MS[0], STALL_MS[1]), signal)
  await stopSampler()
  const sigtermAt = Date.now()
  log('soak: SIGTERM to the API, the workers and the cache peers (API stdout not read)')
  // The load stops at the first refused connection (or after a second): past that point
  // autocannon only reconnects in a tight loop, stealing the CPU the processes shut down with.
  const loadStop = new Promise<void>((resolve) => {
    recorder.onError((event) => event.code === 'ECONNREFUSED' && resolve())
    void sleep(LOAD_AFTER_SIGTERM_MS).then(resolve)
  }).then(stopLoads)
  const exits: ExitRecord[] = await terminate([
    { managed: topology.api.managed, deadlineMs: options.exitDeadlineMs, stalledLog: true },
    ...topology.workers.map((w) => ({ managed: w.managed, deadlineMs: options.exitDeadlineMs })),
    { managed: topology.writer.managed, deadlineMs: SMALL_DEADLINE_MS },
    { managed: topology.reader.managed, deadlineMs: SMALL_DEADLINE_MS },
  ])
  await loadStop
  exits.push(
    ...(await terminate([{ managed: topology.redisProcess, deadlineMs: SMALL_DEADLINE_MS }])),
  )

  const killed: KilledWorker[] = faults.flatMap((fault) =>
    fault.killedWorker ? [fault.killedWorker] : [],
  )
  const runs = await readRuns(topology.db.pool)
  const completed = await readCompleted(
    topology.db.pool,
    batches.accepted().map((batch) => batch.id),
  )
  const timeline = {
    mainStart,
    mainEnd: cutoff,
    stallAt,
    sigtermAt,
    graceMs: options.graceMs,
    faults,
  }
  const samples = await stopSampler()
  const measured = {
    seed: options.seed,
    startedAt,
    dir,
    machine: { cores: availableParallelism(), node: process.versions.node },
    settings: {
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      faultEveryMs: options.faultEveryMs,
      graceMs: options.graceMs,
      rate: options.rate,
      connections: options.connections,
      exitDeadlineMs: options.exitDeadlineMs,
      stalenessBoundMs: options.stalenessBoundMs,
      pgRestart: options.pgRestart,
      rotation,
    },
    timeline: { mainStart, mainEnd: cutoff, cutoff, stallAt, sigtermAt },
    faults,
    traffic: summarizeTraffic(recorder, timeline),
    tasks: judgeTasks(batches, cutoff, runs, completed, killed),
    drain: { ms: drain.ms, complete: drain.done >= drain.expected },
    consistency: checkConsistency(samples, redisWindows(timeline), options.stalenessBoundMs),
    memory: memory.summarize(topology.nodes.map(watch), {
      start: mainStart,
      middle: mainStart + options.durationMs / 2,
      end: cutoff,
    }),
    exits,
  }
  const criteria = judge(measured, options)
  return { ...measured, criteria, passed: criteria.every((c) => c.passed || !c.enforced) }
}

function watch(proc: NodeProcess): Watched {
  return { name: proc.managed.name, pid: proc.managed.pid, probeFile: proc.probeFile }
}

function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= work())
}
