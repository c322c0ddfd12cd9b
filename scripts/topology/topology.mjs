/* global process, fetch, setTimeout, Buffer */
// The scaled-out topology on one machine: a 3-master Redis Cluster, N API instances and N worker
// processes against one PostgreSQL. `up.mjs` / `down.mjs` run it from the shell; tests import
// startTopology / stopTopology so they run the same code. Plain Node ESM, no build.
import { spawn } from 'node:child_process'
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { hostname } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (two levels above this file). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The default state directory, `<root>/.topology`. */
export const DEFAULT_DIR = join(ROOT, '.topology')
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Starts the topology: the Redis Cluster (`redis-server --cluster-enabled yes` on free ports,
 * joined by `redis-cli --cluster create`), the API instances (producer-only:
 * `BI_PERF_TASKS_WORKER=false`) and the workers, each with its log in `dir`. Resolves once every
 * API answers `/health/ready` and every process appears in the instance list; writes
 * `<dir>/state.json`. On a failure it stops what it started and rethrows.
 *
 * @param {import('./topology.d.mts').TopologyOptions} [options]
 * @returns {Promise<import('./topology.d.mts').TopologyState>}
 * @example
 * const state = await startTopology({ env: { BI_PERF_SERVER_RATE_LIMIT_REQUESTS: '50' } })
 * await stopTopology(state)
 */
export async function startTopology(options = {}) {
  const dir = resolve(options.dir ?? DEFAULT_DIR)
  mkdirSync(dir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  const state = {
    dir,
    prefix: `bi-perf-topology-${randomBytes(4).toString('hex')}`,
    secret,
    databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redis: [],
    apis: [],
    workers: [],
    launch: {
      nodeArgs: options.nodeArgs ?? [],
      apiEntry: options.apiEntry ?? join(ROOT, 'apps/api/dist/main.js'),
      workerEntry: options.workerEntry ?? join(ROOT, 'apps/api/dist/worker.js'),
      env: options.env ?? {},
    },
    clusterNodes: '',
    dashboardUrl: '',
    // Counters naming the processes (api-1, api-2…), also for instances added later.
    started: { apis: 0, workers: 0 },
  }
  const timeoutMs = options.readyTimeoutMs ?? 60_000
  try {
    await startCluster(state, options.masters ?? 3, timeoutMs)
    const apis = Array.from({ length: options.apis ?? 3 }, () => startApi(state))
    const workers = Array.from({ length: options.workers ?? 3 }, () => startWorker(state))
    state.apis.push(...(await Promise.all(apis)))
    state.workers.push(...workers)
    await Promise.all(state.apis.map((api) => waitReady(api, timeoutMs)))
    if (state.apis.length > 0) {
      await waitInstances(state, [...state.apis, ...state.workers], timeoutMs)
    }
    const admin = mintToken(secret, { sub: 'topology-admin', role: 'admin', expiresIn: 12 * 3600 })
    state.dashboardUrl = state.apis.length > 0 ? `${state.apis[0].url}/#token=${admin}` : ''
    writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`)
    return state
  } catch (error) {
    await stopTopology(state, { keepDir: true })
    throw error
  }
}

/**
 * Stops every process of the topology by its pid (SIGTERM, SIGKILL after `graceMs`), only when
 * the pid still runs the command it was started with, then removes the state directory.
 *
 * @param {import('./topology.d.mts').TopologyState} state
 * @param {{ graceMs?: number, keepDir?: boolean }} [options]
 */
export async function stopTopology(state, options = {}) {
  const graceMs = options.graceMs ?? 15_000
  // Workers and APIs first, so they do not log a storm of Redis errors while it goes away.
  await Promise.all([...state.workers, ...state.apis].map((p) => stopProcess(p, graceMs)))
  await Promise.all(state.redis.map((p) => stopProcess(p, graceMs)))
  if (!options.keepDir) rmSync(state.dir, { recursive: true, force: true })
}

/**
 * Starts one more API instance of a running topology (it joins the cluster, the queue and the
 * instance list) and waits for `/health/ready`. Stop it with {@link stopProcess}.
 *
 * @param {import('./topology.d.mts').TopologyState} state
 * @returns {Promise<import('./topology.d.mts').TopologyProcess>}
 */
export async function addApi(state, timeoutMs = 60_000) {
  const api = await startApi(state)
  try {
    await waitReady(api, timeoutMs)
  } catch (error) {
    await stopProcess(api, 1_000)
    throw error
  }
  return api
}

/** Reads `<dir>/state.json`. */
export function readState(dir = DEFAULT_DIR) {
  return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
}

/**
 * An HS256 JWT the API instances accept (they verify with `BI_PERF_JWT_SECRET`).
 *
 * @param {string} secret
 * @param {{ sub: string, role: 'viewer' | 'admin', expiresIn?: number }} claims expiresIn in seconds, default 1 h
 */
export function mintToken(secret, { sub, role, expiresIn = 3600 }) {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, role, iat: now, exp: now + expiresIn })}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

/**
 * SIGTERM, then SIGKILL after `graceMs`, of a topology process, and waits until it is gone.
 * Does nothing when the pid is gone or now runs another command.
 *
 * @param {import('./topology.d.mts').TopologyProcess} proc
 */
export async function stopProcess(proc, graceMs = 15_000) {
  if (!runs(proc)) return
  signal(proc.pid, 'SIGTERM')
  if (await exited(proc, graceMs)) return
  if (runs(proc)) signal(proc.pid, 'SIGKILL')
  await exited(proc, 5_000)
}

/**
 * SIGKILL of one topology process (a crash), and waits until it is gone.
 *
 * @param {import('./topology.d.mts').TopologyProcess} proc
 */
export async function killProcess(proc) {
  if (runs(proc)) signal(proc.pid, 'SIGKILL')
  await exited(proc, 5_000)
}

async function startCluster(state, masters, timeoutMs) {
  const ports = []
  for (let i = 0; i < masters; i++) ports.push(await freePort())
  for (const port of ports) {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      state.dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--save',
      '',
      '--appendonly',
      'no',
    ]
    state.redis.push(
      launch(state, 'redis-server', args, {}, `redis-${port}`, 'redis-server', { port }),
    )
  }
  await Promise.all(
    ports.map((port) => waitFor(() => redisAnswers(port), timeoutMs, `redis ${port}`)),
  )
  const nodes = ports.map((port) => `127.0.0.1:${port}`)
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ])
  await waitFor(
    async () => (await redisCli(ports[0], ['cluster', 'info'])).includes('cluster_state:ok'),
    timeoutMs,
    'cluster_state:ok',
  )
  state.clusterNodes = nodes.join(',')
}

function commonEnv(state) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REDIS_CLUSTER_NODES: state.clusterNodes,
    DATABASE_URL: state.databaseUrl,
    BI_PERF_JWT_SECRET: state.secret,
    BI_PERF_REDIS_PREFIX: state.prefix,
    // Seven processes share one PostgreSQL's connection budget (100 by default).
    BI_PERF_DATABASE_POOL_MAX: '4',
    ...state.launch.env,
  }
}

async function startApi(state) {
  const port = await freePort()
  const env = {
    ...commonEnv(state),
    PORT: String(port),
    HOST: '127.0.0.1',
    BI_PERF_TASKS_WORKER: 'false',
  }
  const name = `api-${++state.started.apis}`
  const args = [...state.launch.nodeArgs, state.launch.apiEntry]
  const extra = { port, url: `http://127.0.0.1:${port}` }
  return launch(state, process.execPath, args, env, name, state.launch.apiEntry, extra)
}

function startWorker(state) {
  const name = `worker-${++state.started.workers}`
  const args = [...state.launch.nodeArgs, state.launch.workerEntry]
  return launch(state, process.execPath, args, commonEnv(state), name, state.launch.workerEntry, {})
}

/**
 * Spawns a detached process logging to `<dir>/<name>.log`; it outlives up.mjs. `marker` is a
 * string its command line contains, checked before any signal so a reused pid is never hit.
 */
function launch(state, command, args, env, name, marker, extra) {
  const log = join(state.dir, `${name}.log`)
  const fd = openSync(log, 'a')
  const child = spawn(command, args, {
    cwd: ROOT,
    env: Object.keys(env).length === 0 ? process.env : env,
    stdio: ['ignore', fd, fd],
    detached: true,
  })
  closeSync(fd)
  child.on('error', () => {})
  child.unref()
  const proc = { name, pid: child.pid, marker, log, ...extra }
  if (proc.pid !== undefined) proc.instance = `${hostname()}:${proc.pid}`
  return proc
}

async function waitReady(api, timeoutMs) {
  let last = 'no answer'
  await waitFor(
    async () => {
      if (!runs(api)) throw new Error(`${api.name} exited; see ${api.log}:\n${tail(api.log)}`)
      const response = await fetch(`${api.url}/health/ready`).catch((error) => error)
      if (response instanceof Error) last = String(response.cause ?? response)
      else last = `${response.status} ${await response.text()}`
      return response?.status === 200
    },
    timeoutMs,
    `${api.name} /health/ready`,
    () => `last answer: ${last}; ${api.log}:\n${tail(api.log)}`,
  )
}

async function waitInstances(state, procs, timeoutMs) {
  const wanted = procs.map((proc) => proc.instance)
  await waitFor(
    async () => {
      for (const proc of procs) {
        if (!runs(proc)) throw new Error(`${proc.name} exited; see ${proc.log}:\n${tail(proc.log)}`)
      }
      // A subject per poll: a low rate limit must not stall the start.
      const token = mintToken(state.secret, {
        sub: `topology-setup-${randomUUID()}`,
        role: 'viewer',
      })
      const response = await fetch(`${state.apis[0].url}/performance/status`, {
        headers: { Authorization: `Bearer ${token}` },
      }).catch(() => undefined)
      if (response?.status !== 200) return false
      const { instances } = await response.json()
      return wanted.every((name) => instances.includes(name))
    },
    timeoutMs,
    'every API and worker in the instance list',
  )
}

function runs(proc) {
  if (proc.pid === undefined) return false
  try {
    process.kill(proc.pid, 0)
  } catch {
    return false
  }
  // A reused pid runs something else; a zombie has exited. Where /proc is missing, trust the pid.
  try {
    const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8')
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false
    const cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8')
    return cmdline.includes(proc.marker)
  } catch {
    return true
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone.
  }
}

async function exited(proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (runs(proc)) {
    if (Date.now() > deadline) return false
    await sleep(50)
  }
  return true
}

async function waitFor(condition, timeoutMs, what, explain = () => '') {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`topology: ${what} not reached within ${timeoutMs} ms. ${explain()}`)
    await sleep(100)
  }
}

async function redisAnswers(port) {
  return (await redisCli(port, ['ping']).catch(() => '')).trim() === 'PONG'
}

function redisCli(port, args) {
  return run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])
}

function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (out += chunk))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise(out)
        : reject(new Error(`${command} exited with ${code}: ${out}`)),
    )
  })
}

async function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePromise(port))
    })
  })
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n')
  } catch {
    return ''
  }
}

function sleep(ms) {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms))
}
