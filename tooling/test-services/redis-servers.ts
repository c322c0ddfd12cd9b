import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { waitFor } from './wait-for.js'

// Redis servers a test or a benchmark owns: started on free loopback ports, ended by their own
// pid. The shared Redis is never touched.

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * A redis-server this test owns, on its own port, with an append-only file so data survives a
 * SIGKILL and restart. Ended by its own pid; the shared server is never touched.
 */
export class OwnedRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'bi-perf-redis-'))
  process: ChildProcess | undefined

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnedRedis> {
    const server = new OwnedRedis(await freePort())
    await server.start()
    return server
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start() {
    // A second server on the port would fail to bind, and the first would keep answering.
    if (this.running) throw new Error(`redis-server on port ${this.port} is already running`)
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    )
    await answers(this.port)
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill() {
    await this.#signalAndWait('SIGKILL')
  }

  pause() {
    this.process?.kill('SIGSTOP')
  }

  resume() {
    this.process?.kill('SIGCONT')
  }

  async stop() {
    this.resume()
    await this.#signalAndWait('SIGTERM')
    rmSync(this.dir, { recursive: true, force: true })
  }

  /** Empties the data directory (while stopped): the next start comes back with no data. */
  wipe() {
    for (const name of readdirSync(this.dir)) {
      rmSync(join(this.dir, name), { recursive: true, force: true })
    }
  }

  /** Whether the process is running (not killed or exited). */
  get running(): boolean {
    const child = this.process
    return child !== undefined && child.exitCode === null && child.signalCode === null
  }

  async #signalAndWait(signal: NodeJS.Signals) {
    const child = this.process
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
  }
}

/**
 * A three-master Redis Cluster this test owns: three `redis-server --cluster-enabled yes` on free
 * ports joined by `redis-cli --cluster create`, each with its own data directory and an
 * append-only file, so a master killed and restarted comes back with its data and its slots.
 * Ended by pid.
 */
export class OwnedCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'bi-perf-cluster-'))
  readonly processes: ChildProcess[] = []

  private constructor(
    readonly ports: number[],
    readonly fsync: 'always' | 'everysec',
  ) {}

  /**
   * @param options.fsync the append-only file's fsync policy. `always` (the default) loses nothing
   * acknowledged on SIGKILL; with `everysec` Redis may postpone writing the file while an fsync is
   * slow and still reply, so a killed master can come back without its last writes. Benchmarks
   * that do not kill masters may choose `everysec`.
   */
  static async start({
    fsync = 'always',
  }: { fsync?: 'always' | 'everysec' } = {}): Promise<OwnedCluster> {
    const ports = [await freePort(), await freePort(), await freePort()]
    const cluster = new OwnedCluster(ports, fsync)
    for (const port of ports) cluster.processes.push(cluster.#spawn(port))
    await Promise.all(ports.map(answers))
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    await cluster.healthy()
    return cluster
  }

  /** Waits until every master reports `cluster_state:ok` (after start, or a restart). */
  async healthy() {
    const checkers = this.ports.map((port) => new Redis(port, '127.0.0.1'))
    try {
      await waitFor(
        async () => {
          const states = await Promise.all(checkers.map((checker) => checker.cluster('INFO')))
          return states.every((state) => state.includes('cluster_state:ok'))
        },
        { timeoutMs: 15_000, what: 'the cluster to be ready' },
      )
    } finally {
      for (const checker of checkers) checker.disconnect()
    }
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }))
  }

  /** Starts the master on `port` again, on its data directory, after {@link kill}. */
  async restart(port: number) {
    this.processes[this.ports.indexOf(port)] = this.#spawn(port)
    await answers(port)
  }

  #spawn(port: number): ChildProcess {
    const dir = join(this.dir, String(port))
    mkdirSync(dir, { recursive: true })
    return spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        // Without replicas a dead master's slots stay uncovered; with the default (yes)
        // every master would then answer CLUSTERDOWN for all slots. No: the others keep
        // serving theirs.
        '--cluster-require-full-coverage',
        'no',
        // How long until the others mark a silent master as failed (default 15 s).
        '--cluster-node-timeout',
        '2000',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        this.fsync,
      ],
      { stdio: 'ignore' },
    )
  }

  /** SIGKILLs the master on `port` and waits until its process is gone. */
  async kill(port: number) {
    const child = this.processes[this.ports.indexOf(port)]
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  async stop() {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
            child.once('exit', resolve)
            child.kill('SIGTERM')
          }),
      ),
    )
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Waits until a redis-server on the loopback port answers PING. */
async function answers(port: number) {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  probe.on('error', () => {})
  try {
    await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect()
          return (await probe.ping()) === 'PONG'
        } catch {
          probe.disconnect()
          return false
        }
      },
      { what: `redis-server on port ${port} to answer` },
    )
  } finally {
    probe.disconnect()
  }
}

/** Runs a command to completion; rejects with its stderr when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr}`)),
    )
  })
}
