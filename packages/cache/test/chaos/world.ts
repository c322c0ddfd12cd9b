import { Cluster, Redis } from 'ioredis'
import { createCache, type Cache, type CacheOptions } from '../../src/index.js'
import { OwnedCluster, OwnedRedis, uniquePrefix, waitFor } from '../helpers.js'
import { KEYS, ReferenceModel, tagsOf, type Key, type Value } from './model.js'
import { shaped, unshaped } from './shaped-values.js'
import { INSTANCES, type Step } from './steps.js'

/**
 * The staleness bound while everything is connected: how long after a write completes other
 * instances may still serve their old in-process copy (the bus delivery time; see the README).
 */
export const STALENESS_BOUND_MS = 100

/** Short timeouts, so a sequence with stalls and outages runs in about two seconds. */
const CACHE_OPTIONS: CacheOptions = {
  commandTimeout: 150,
  connectTimeout: 300,
}
/**
 * Each instance's breaker waits a different time before it probes a stalled Redis again, so after
 * a stall the instances recover one after another: the quick ones write while the slow ones still
 * hold their journals, and a replay must not undo those writes.
 */
const HALF_OPEN_AFTER_MS = [100, 350, 700]
/** Nothing may hang: a step (quiet-point checks included) that takes longer fails the run. */
const STEP_DEADLINE_MS = 30_000
/** A SIGSTOP lasts at least this long: longer than the command timeout. */
const MIN_STALL_MS = 250

/** The servers a world runs against: one redis-server with AOF, or a 3-master cluster. */
export interface Servers {
  readonly kind: 'server' | 'cluster'
  /** The `redis` option for a new cache. */
  redis(): CacheOptions['redis']
  /** Admin connections to every node, for CLIENT KILL. */
  admins(): Redis[]
  kill(): Promise<void>
  restart(empty: boolean): Promise<void>
  pause(): void
  resume(): void
  stop(): Promise<void>
}

export class SingleServer implements Servers {
  readonly kind = 'server'
  private constructor(readonly server: OwnedRedis) {}
  static async start() {
    return new SingleServer(await OwnedRedis.start())
  }
  redis() {
    return this.server.url
  }
  admins() {
    return [new Redis(this.server.url, { maxRetriesPerRequest: 1 })]
  }
  kill() {
    return this.server.kill()
  }
  async restart(empty: boolean) {
    if (empty) this.server.wipe()
    await this.server.start()
  }
  pause() {
    this.server.pause()
  }
  resume() {
    this.server.resume()
  }
  stop() {
    return this.server.stop()
  }
}

export class ClusterServers implements Servers {
  readonly kind = 'cluster'
  readonly #client: Cluster
  #victim = 0
  private constructor(readonly cluster: OwnedCluster) {
    this.#client = new Cluster(cluster.nodes)
  }
  static async start() {
    const servers = new ClusterServers(await OwnedCluster.start())
    await waitFor(() => servers.#client.status === 'ready', { what: 'the cluster client' })
    return servers
  }
  redis() {
    return this.#client
  }
  admins() {
    return this.cluster.ports.map(
      (port) => new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 }),
    )
  }
  async kill() {
    this.#victim = this.cluster.ports[Math.floor(Math.random() * this.cluster.ports.length)]!
    await this.cluster.kill(this.#victim)
  }
  async restart() {
    await this.cluster.restart(this.#victim)
    await this.cluster.healthy()
  }
  pause() {}
  resume() {}
  async stop() {
    this.#client.disconnect()
    await this.cluster.stop()
  }
}

/** The outcome of a sequence: what was checked, for the report. */
export interface SequenceReport {
  steps: number
  faults: number
  checks: number
  strictChecks: number
}

/**
 * Runs one sequence of steps against real caches and servers, checking every result against the
 * reference model at each quiet point. Throws on the first mismatch, naming the step.
 */
export class ChaosWorld {
  readonly #servers: Servers
  readonly #prefix = uniquePrefix('chaos')
  readonly #model = new ReferenceModel()
  readonly #caches: Cache[] = []
  /** Resyncs each cache must have passed before it counts as reconnected. */
  readonly #resyncsDue = new Map<Cache, number>()
  #fault: 'none' | 'down' | 'paused' = 'none'
  /**
   * A fault ended and nothing was checked since: steps run while the instances reconnect and
   * replay their journals, racing them, and the next quiet point (a `settle`, the next fault or
   * the end) checks the outcome.
   */
  #recovering = false
  #pausedAt = 0
  #counter = 0
  readonly report: SequenceReport = { steps: 0, faults: 0, checks: 0, strictChecks: 0 }
  readonly log: string[] = []

  constructor(servers: Servers) {
    this.#servers = servers
    // Opened at once, without waiting: the first steps run before the first connection.
    for (let i = 0; i < INSTANCES; i++) this.#caches.push(this.#open(i))
  }

  async run(steps: readonly Step[]) {
    if (process.env.CHAOS_TRACE) console.error('--- sequence')
    try {
      for (const step of steps) {
        if (!this.#applicable(step)) continue
        this.log.push(JSON.stringify(step))
        if (process.env.CHAOS_TRACE)
          console.error(`${new Date().toISOString()} ${JSON.stringify(step)}`)
        this.report.steps++
        await withDeadline(this.#step(step), STEP_DEADLINE_MS, `step ${JSON.stringify(step)}`)
      }
      await withDeadline(
        this.#endFault().then(() => this.#checkAll('end of sequence')),
        STEP_DEADLINE_MS,
        'the final check',
      )
    } finally {
      await withDeadline(
        Promise.all(this.#caches.map((cache) => cache.close())),
        STEP_DEADLINE_MS,
        'close()',
      )
    }
  }

  #open(index: number): Cache {
    return createCache({
      redis: this.#servers.redis(),
      prefix: this.#prefix,
      ...CACHE_OPTIONS,
      breaker: { threshold: 3, halfOpenAfter: HALF_OPEN_AFTER_MS[index] },
    })
  }

  #applicable(step: Step): boolean {
    switch (step.op) {
      case 'kill':
      case 'pause':
      case 'killSubscribers':
        return this.#fault === 'none'
      case 'restart':
        return this.#fault === 'down'
      case 'resume':
        return this.#fault === 'paused'
      case 'reopen':
        // An instance that closes with a journal takes it along (documented); not modelled.
        return this.#fault === 'none' && !this.#recovering
      default:
        return true
    }
  }

  #value(): string {
    return `v${++this.#counter}`
  }

  async #step(step: Step) {
    switch (step.op) {
      case 'set': {
        const value = this.#value()
        const reached = await this.#write(step.at, (cache) =>
          cache.set(step.key, shaped(value), { tags: tagsOf(step.key) }),
        )
        this.#model.wrote(step.key, [value], reached)
        return
      }
      case 'mset': {
        const values = step.keys.map(() => this.#value())
        const reached = await this.#write(step.at, (cache) =>
          cache.mset(
            step.keys.map((key, i) => ({ key, value: shaped(values[i]!), tags: tagsOf(key) })),
          ),
        )
        step.keys.forEach((key, i) => this.#model.wrote(key, [values[i]!], reached))
        return
      }
      case 'race': {
        const values = step.at.map(() => this.#value())
        const outcomes = await Promise.all(
          step.at.map((at, i) =>
            this.#write(at, (cache) =>
              cache.set(step.key, shaped(values[i]!), { tags: tagsOf(step.key) }),
            ),
          ),
        )
        this.#model.wrote(step.key, values, outcomes.every(Boolean))
        return
      }
      case 'get':
        await this.#caches[step.at]!.get(step.key)
        return
      case 'mget':
        await this.#caches[step.at]!.mget(step.keys)
        return
      case 'getOrSet': {
        const value = this.#value()
        let loaded = false
        const reached = await this.#write(step.at, async (cache) => {
          const result = await cache.getOrSet(step.key, () => ((loaded = true), shaped(value)), {
            tags: tagsOf(step.key),
          })
          if (loaded && unshaped(result) !== value)
            throw new Error(`getOrSet returned ${unshaped(result)}, not its loader's ${value}`)
        })
        if (loaded) this.#model.wrote(step.key, [value], reached)
        return
      }
      case 'delete':
        await this.#caches[step.at]!.delete(step.key)
        this.#model.removed([step.key])
        return
      case 'clear':
        await this.#caches[step.at]!.clear(step.pattern)
        this.#model.cleared(step.pattern)
        return
      case 'invalidateTags':
        await this.#caches[step.at]!.invalidateTags([step.tag])
        this.#model.untagged(step.tag)
        return
      case 'reopen': {
        await this.#caches[step.at]!.close()
        this.#caches[step.at] = this.#open(step.at)
        return
      }
      case 'wait':
        await sleep(step.ms)
        return
      case 'settle':
        if (this.#fault === 'none') await this.#checkAll('settle')
        return
      case 'kill':
        await this.#checkIfRecovering()
        this.report.faults++
        // On a cluster only the instances listening on the killed master lose their subscription.
        if (this.#servers.kind === 'server') this.#expectResyncs()
        await this.#servers.kill()
        this.#fault = 'down'
        return
      case 'restart':
        await this.#servers.restart(step.empty)
        if (step.empty) this.#model.dataLost()
        this.#fault = 'none'
        this.#recovering = true
        return
      case 'pause':
        await this.#checkIfRecovering()
        this.report.faults++
        this.#servers.pause()
        this.#pausedAt = Date.now()
        this.#fault = 'paused'
        return
      case 'resume':
        await this.#endFault()
        return
      case 'killSubscribers': {
        await this.#checkIfRecovering()
        this.report.faults++
        this.#expectResyncs()
        const admins = this.#servers.admins()
        try {
          await Promise.all(admins.map((admin) => admin.client('KILL', 'TYPE', 'pubsub')))
        } finally {
          for (const admin of admins) admin.disconnect()
        }
        this.#recovering = true
        return
      }
    }
  }

  /**
   * Runs a write and tells whether it reached Redis: with no fault, and the writer counting no
   * failed, skipped or timed-out command and journaling nothing while it ran.
   */
  async #write(at: number, write: (cache: Cache) => Promise<unknown>): Promise<boolean> {
    const cache = this.#caches[at]!
    const before = troubles(cache)
    const faultBefore = this.#fault
    await write(cache)
    return faultBefore === 'none' && this.#fault === 'none' && troubles(cache) === before
  }

  /** Instances subscribed now must resubscribe (and so resync) before they count as quiet. */
  #expectResyncs() {
    for (const cache of this.#caches) {
      const l2 = cache.stats().l2!
      if (l2.subscribed) this.#resyncsDue.set(cache, l2.resyncs + 1)
    }
  }

  /** Every fault is checked before the next one starts. */
  async #checkIfRecovering() {
    if (this.#recovering) await this.#checkAll('recovery')
  }

  async #endFault() {
    if (this.#fault === 'down') await this.#servers.restart(false)
    if (this.#fault === 'paused') {
      const stalled = Date.now() - this.#pausedAt
      if (stalled < MIN_STALL_MS) await sleep(MIN_STALL_MS - stalled)
      this.#servers.resume()
    }
    if (this.#fault !== 'none') this.#recovering = true
    this.#fault = 'none'
  }

  /** Waits until every instance is connected, subscribed, replayed and past the staleness bound. */
  async #quiesce() {
    let waiting = ''
    await waitFor(
      async () => {
        waiting = ''
        for (const [index, cache] of this.#caches.entries()) {
          const l2 = cache.stats().l2!
          if (l2.breaker !== 'closed' && l2.connection === 'ready') await cache.get('chaos-probe')
          const quiet =
            l2.connection === 'ready' &&
            l2.breaker === 'closed' &&
            l2.subscribed &&
            l2.pendingInvalidations === 0 &&
            l2.resyncs >= (this.#resyncsDue.get(cache) ?? 0)
          if (!quiet) {
            const { connection, breaker, subscribed, pendingInvalidations, resyncs } = l2
            const due = this.#resyncsDue.get(cache)
            waiting += ` instance ${index}: ${JSON.stringify({ connection, breaker, subscribed, pendingInvalidations, resyncs, due })}`
          }
        }
        return waiting === ''
      },
      { timeoutMs: 20_000, what: 'every instance to reconnect and replay its journal' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; still waiting for${waiting}`)
    })
    this.#resyncsDue.clear()
    await sleep(STALENESS_BOUND_MS)
  }

  /** Every instance's get of every touched key, and one mget, must be allowed by the model. */
  async #checkAll(when: string) {
    await this.#quiesce()
    this.#recovering = false
    const touched = this.#model.touched()
    for (const [index, cache] of this.#caches.entries()) {
      for (const key of touched) {
        this.#expectAllowed(when, index, key, unshaped(await answered(cache, () => cache.get(key))))
      }
      const values = await answered(cache, () => cache.mget(KEYS))
      KEYS.forEach((key, i) => this.#expectAllowed(when, index, key, unshaped(values[i]), 'mget'))
    }
  }

  #expectAllowed(when: string, index: number, key: Key, actual: Value, how = 'get') {
    const allowed = this.#model.allowed(key)
    this.report.checks++
    if (!allowed.has(undefined)) this.report.strictChecks++
    if (allowed.has(actual)) return
    const expected = [...allowed].map((value) => value ?? 'undefined').join(' or ')
    throw new Error(
      `after ${when}: instance ${index} ${how}('${key}') returned ${actual ?? 'undefined'}, the model allows ${expected}`,
    )
  }
}

/**
 * A read whose Redis command failed falls back to a miss: allowed, but no answer to check (on a
 * cluster a restarted master may take a moment to serve its slots again). Such reads are retried
 * until Redis answers them.
 */
async function answered<T>(cache: Cache, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const before = troubles(cache)
    const value = await read()
    // While its journal is not empty an instance does not read Redis: a miss then is no answer.
    if (troubles(cache) === before && cache.stats().l2!.pendingInvalidations === 0) return value
    if (attempt === 100) throw new Error('Redis did not answer a read within 100 attempts')
    await sleep(50)
  }
}

function troubles(cache: Cache): number {
  const l2 = cache.stats().l2!
  return l2.errors + l2.skipped + l2.timeouts
}

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
