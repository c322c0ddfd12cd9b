import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, OwnedRedis, waitFor } from '@bi-perf/test-services'
import { call } from './http.js'
import { PeerClient } from './peer-client.js'
import { peersHealthy } from './consistency-sampler.js'
import { SoakDatabase } from './soak-database.js'
import type { Managed, Supervisor } from './supervisor.js'
import { running } from './supervisor.js'
import { mintToken } from './tokens.js'

const HERE = dirname(fileURLToPath(import.meta.url))
/** The repository root. */
export const ROOT = resolve(HERE, '..', '..', '..')
const API_ENTRY = join(ROOT, 'apps/api/dist/main.js')
const WORKER_ENTRY = join(ROOT, 'apps/api/dist/worker.js')
const PROBE = join(HERE, 'probe.mjs')
const PEER = join(HERE, 'cache-peer.ts')
/** The API's body limit in the soak (small, so the edge load's oversized bodies stay cheap). */
export const BODY_LIMIT_BYTES = 64 * 1024
/** How long a component may take to come up at start. */
const READY_TIMEOUT_MS = 60_000
/** A cache call the peer does not answer within this is recorded as a timeout. */
const PEER_TIMEOUT_MS = 2_000

/** A process of the topology with its probe file (API and workers). */
export interface NodeProcess {
  managed: Managed
  probeFile: string
}

/** Everything the soak started, and how to start parts of it again. */
export interface Topology {
  id: string
  secret: string
  metricsToken: string
  viewerToken: string
  adminToken: string
  redis: OwnedRedis
  redisProcess: Managed
  db: SoakDatabase
  api: NodeProcess & { url: string }
  /** The current incarnation of each worker slot. */
  workers: NodeProcess[]
  /** Every API and worker incarnation started, restarted ones included. */
  nodes: NodeProcess[]
  writer: PeerClient
  reader: PeerClient
  /** Starts worker `slot` (0-based) again, as a supervisor would after a crash. */
  restartWorker(slot: number): NodeProcess
  /** Starts Redis again on its data directory (after a SIGKILL). */
  restartRedis(): Promise<void>
  /** `host:pid` names of the worker incarnations, as the optimizer names its instance. */
  instanceOf(process: NodeProcess): string
}

/**
 * Starts the soak topology: a private redis-server with AOF (OwnedRedis), a fresh database on
 * the shared PostgreSQL, the API (producer only, `BI_PERF_TASKS_WORKER=false`, so every task
 * runs in a worker process and a worker crash is visible in the ledger), two `bi-perf-worker`
 * processes, and two cache peers. Resolves once the API is ready, both workers are in its
 * instance list and both peers are connected. On a failure, what was started is left to the
 * caller's clean-up through `started`.
 *
 * @example
 * const topology = await startTopology(supervisor, dir, databaseUrl, started)
 */
export async function startTopology(
  supervisor: Supervisor,
  dir: string,
  databaseUrl: string,
  started: { redis?: OwnedRedis; db?: SoakDatabase },
  signal?: AbortSignal,
): Promise<Topology> {
  for (const entry of [API_ENTRY, WORKER_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (pnpm soak does)`)
  }
  const id = randomBytes(4).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  const metricsToken = randomBytes(24).toString('base64url')
  const redis = await OwnedRedis.start()
  started.redis = redis
  let redisProcess = supervisor.adopt('redis', redis.process!)
  const db = await SoakDatabase.create(databaseUrl, id)
  started.db = db

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: db.appUrl,
    REDIS_URL: redis.url,
    BI_PERF_REDIS_PREFIX: `soak-${id}`,
    BI_PERF_TASKS_QUEUE: `soak-${id}`,
    BI_PERF_JWT_SECRET: secret,
    BI_PERF_SERVER_METRICS_TOKEN: metricsToken,
    // Three processes share the server's connection budget with other users of it.
    BI_PERF_DATABASE_POOL_MAX: '4',
    // The limiter still runs on every request (against Redis); the limit is out of the load's reach.
    BI_PERF_SERVER_RATE_LIMIT_REQUESTS: '100000000',
    BI_PERF_SERVER_BODY_LIMIT: String(BODY_LIMIT_BYTES),
    // A crashed worker's tasks come back after about lockDuration + stalledInterval (30 s + 30 s
    // by default): shorter, so a run sees them rerun well before it ends.
    BI_PERF_TASKS_LOCK_DURATION: '10s',
    BI_PERF_TASKS_STALLED_INTERVAL: '5s',
  }
  const node = (name: string, entry: string, extra: NodeJS.ProcessEnv): NodeProcess => {
    const probeFile = join(dir, `${name.replace(/[^\w.-]/g, '_')}.probe.jsonl`)
    const managed = supervisor.spawn({
      name,
      command: process.execPath,
      args: ['--import', PROBE, entry],
      cwd: ROOT,
      env: { ...env, ...extra, SOAK_PROBE_FILE: probeFile },
    })
    return { managed, probeFile }
  }

  const port = await freePort()
  const api = {
    ...node('api', API_ENTRY, {
      PORT: String(port),
      HOST: '127.0.0.1',
      BI_PERF_TASKS_WORKER: 'false',
    }),
    url: `http://127.0.0.1:${port}`,
  }
  const nodes: NodeProcess[] = [api]
  const incarnations = [1, 1]
  const workers = [0, 1].map((slot) => node(`worker-${slot + 1}`, WORKER_ENTRY, {}))
  nodes.push(...workers)

  const peer = (name: string) =>
    supervisor.spawn({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', PEER],
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SOAK_REDIS_URL: redis.url,
        SOAK_CACHE_PREFIX: `soak-${id}-peers`,
      },
      ipc: true,
    })
  const writer = new PeerClient(peer('cache-writer'), PEER_TIMEOUT_MS)
  const reader = new PeerClient(peer('cache-reader'), PEER_TIMEOUT_MS)

  const viewerToken = await mintToken(secret, { sub: `soak-viewer-${id}`, role: 'viewer' })
  const adminToken = await mintToken(secret, { sub: `soak-admin-${id}`, role: 'admin' })
  const topology: Topology = {
    id,
    secret,
    metricsToken,
    viewerToken,
    adminToken,
    redis,
    get redisProcess() {
      return redisProcess
    },
    db,
    api,
    workers,
    nodes,
    writer,
    reader,
    restartWorker(slot) {
      const incarnation = ++incarnations[slot]!
      const restarted = node(`worker-${slot + 1}#${incarnation}`, WORKER_ENTRY, {})
      workers[slot] = restarted
      nodes.push(restarted)
      return restarted
    },
    async restartRedis() {
      await redis.start()
      redisProcess = supervisor.adopt('redis', redis.process!)
    },
    instanceOf: (proc) => `${hostname()}:${proc.managed.pid}`,
  }

  await waitFor(
    async () => {
      // An abort ends the wait at the next look; the caller tears the topology down.
      if (signal?.aborted) throw new Error('soak aborted')
      for (const proc of [...nodes.map((n) => n.managed), writer.managed, reader.managed]) {
        if (!running(proc)) throw new Error(`${proc.name} exited at start; see ${proc.log}`)
      }
      const ready = await call(`${api.url}/health/ready`, { timeoutMs: 2_000 })
      if (!ready.ok || ready.status !== 200) return false
      const instances = await listInstances(topology)
      return (
        workers.every((worker) => instances.includes(topology.instanceOf(worker))) &&
        (await peersHealthy(writer, reader))
      )
    },
    {
      timeoutMs: READY_TIMEOUT_MS,
      what: 'the API, both workers and both cache peers',
      intervalMs: 200,
    },
  )
  return topology
}

/** The instance list of `GET /performance/status` (empty when it does not answer). */
export async function listInstances(topology: Topology): Promise<string[]> {
  const status = await call(`${topology.api.url}/performance/status`, {
    headers: { authorization: `Bearer ${topology.viewerToken}` },
    timeoutMs: 2_000,
  })
  if (!status.ok || status.status !== 200) return []
  const instances = (status.body as { instances?: unknown }).instances
  return Array.isArray(instances) ? (instances as string[]) : []
}
