/** Options of {@link startTopology}. */
export interface TopologyOptions {
  /**
   * Where state.json, the process logs and the Redis node files go.
   * @default '<repo>/.topology'
   */
  dir?: string
  /**
   * Redis Cluster masters (no replicas).
   * @default 3
   */
  masters?: number
  /**
   * API instances (producer-only: `BI_PERF_TASKS_WORKER=false`).
   * @default 3
   */
  apis?: number
  /**
   * Worker processes (`bi-perf-worker`).
   * @default 3
   */
  workers?: number
  /**
   * The PostgreSQL every process shares.
   * @default process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
   */
  databaseUrl?: string
  /**
   * Extra environment of every API and worker, e.g. `BI_PERF_SERVER_RATE_LIMIT_REQUESTS`.
   * @default {}
   */
  env?: Record<string, string>
  /**
   * Node arguments before the entry, e.g. `['--import', 'tsx']` to run sources.
   * @default []
   */
  nodeArgs?: string[]
  /** @default '<repo>/apps/api/dist/main.js' */
  apiEntry?: string
  /** @default '<repo>/apps/api/dist/worker.js' */
  workerEntry?: string
  /**
   * How long each readiness step may take.
   * @default 60_000
   */
  readyTimeoutMs?: number
}

/** One process of the topology. */
export interface TopologyProcess {
  name: string
  pid: number
  /** A string its command line contains; checked before any signal. */
  marker: string
  /** Its stdout and stderr. */
  log: string
  /** `host:pid`, the name it has in `/performance/status` (API and worker processes). */
  instance?: string
  port?: number
  url?: string
}

/** What {@link startTopology} started; also written to `<dir>/state.json`. */
export interface TopologyState {
  dir: string
  /** `BI_PERF_REDIS_PREFIX` of every process, unique per topology. */
  prefix: string
  /** `BI_PERF_JWT_SECRET` of every process, random per topology. */
  secret: string
  databaseUrl: string
  /** `REDIS_CLUSTER_NODES`. */
  clusterNodes: string
  redis: TopologyProcess[]
  apis: (TopologyProcess & { port: number; url: string; instance: string })[]
  workers: (TopologyProcess & { instance: string })[]
  /** The first API's dashboard with an admin token (12 h). */
  dashboardUrl: string
  launch: { nodeArgs: string[]; apiEntry: string; workerEntry: string; env: Record<string, string> }
  /** How many APIs and workers were started so far (names them). */
  started: { apis: number; workers: number }
}

export const ROOT: string
export const DEFAULT_DIR: string
export function startTopology(options?: TopologyOptions): Promise<TopologyState>
export function stopTopology(
  state: TopologyState,
  options?: { graceMs?: number; keepDir?: boolean },
): Promise<void>
export function addApi(
  state: TopologyState,
  timeoutMs?: number,
): Promise<TopologyProcess & { port: number; url: string; instance: string }>
export function readState(dir?: string): TopologyState
export function mintToken(
  secret: string,
  claims: { sub: string; role: 'viewer' | 'admin'; expiresIn?: number },
): string
export function stopProcess(proc: TopologyProcess, graceMs?: number): Promise<void>
export function killProcess(proc: TopologyProcess): Promise<void>
