import { createHistogram } from 'node:perf_hooks'
import calculateSlot from 'cluster-key-slot'
import { CircuitBreaker } from '@bi-perf/internal'
import { slotOwners } from './cluster-masters.js'
import { ReadCoalescer, type CoalesceSettings } from './read-coalescer.js'
import { isCluster, type RedisClient } from './redis-connection.js'
import { APPEND_SHAPES, LOAD_SHAPES } from './shape-scripts.js'
import { WRITTEN_AT_FLAG, WRITTEN_AT_OFFSET } from './stored-entry.js'
import type { BreakerState, LatencySummary } from './types.js'

/** Returned instead of a result when Redis was skipped or failed; the caller falls back. */
export const UNAVAILABLE: unique symbol = Symbol('redis unavailable')
export type Maybe<T> = T | typeof UNAVAILABLE
const SKIPPED: Promise<typeof UNAVAILABLE> = Promise.resolve(UNAVAILABLE)

const SCAN_COUNT = 1_000
const UNLINK_BATCH = 500

export interface RedisTierOptions {
  breakerThreshold: number
  halfOpenAfter: number
  /**
   * Settles when start-up is over (connected, or the start-up deadline passed). Until then
   * commands wait for it instead of skipping Redis, so nothing written at boot is lost.
   */
  opening?: Promise<unknown>
  /** Group single-key reads into batches; `false` sends one `GET` per read. */
  coalesce?: CoalesceSettings | false
}

/**
 * Unlinks the key unless its entry was written after `ARGV[1]` (epoch ms): the write time sits in
 * the entry's header, read with GETRANGE so a large value is not copied. Entries without a write
 * time (an earlier layout) and values of other types count as old. One key per call: ioredis
 * routes (and auto-pipelines) a script call by its first key only when the key count is fixed.
 */
const UNLINK_IF_OLDER = `
local head = redis.pcall('GETRANGE', KEYS[1], 0, ${WRITTEN_AT_OFFSET + 7})
if type(head) == 'string' and #head == ${WRITTEN_AT_OFFSET + 8} and string.byte(head, 1) >= ${WRITTEN_AT_FLAG} then
  if struct.unpack('>d', head, ${WRITTEN_AT_OFFSET + 1}) > tonumber(ARGV[1]) then return 0 end
end
return redis.call('UNLINK', KEYS[1])`

interface ScriptCommands {
  biPerfUnlinkIfOlder(key: string, before: number): Promise<number>
  biPerfLoadShapes(key: string, freshGeneration: string): Promise<string[]>
  biPerfAppendShapes(key: string, ...args: (string | number)[]): Promise<string[]>
}

/**
 * The shared tier. Every command goes through a circuit breaker and is timed; a disconnected
 * client or an open breaker makes a call return {@link UNAVAILABLE} at once, and a failing or
 * timed-out command returns it after at most the command timeout. Nothing here throws.
 */
export class RedisTier {
  readonly counters = {
    hits: 0,
    misses: 0,
    sets: 0,
    deletes: 0,
    errors: 0,
    timeouts: 0,
    skipped: 0,
  }
  readonly #breaker: CircuitBreaker
  readonly #latency = createHistogram()
  readonly #reads: ReadCoalescer<Maybe<Buffer | null>> | undefined
  readonly #cluster: boolean
  #opening: Promise<unknown> | undefined

  constructor(
    readonly client: RedisClient,
    options: RedisTierOptions,
  ) {
    this.#breaker = new CircuitBreaker(options.breakerThreshold, options.halfOpenAfter)
    this.#cluster = isCluster(client)
    if (options.coalesce) {
      this.#reads = new ReadCoalescer(
        (keys) => this.#readBatch(keys),
        (key) => this.#getOne(key),
        UNAVAILABLE,
        options.coalesce,
      )
    }
    client.defineCommand('biPerfUnlinkIfOlder', { lua: UNLINK_IF_OLDER, numberOfKeys: 1 })
    client.defineCommand('biPerfLoadShapes', { lua: LOAD_SHAPES, numberOfKeys: 1 })
    client.defineCommand('biPerfAppendShapes', { lua: APPEND_SHAPES, numberOfKeys: 1 })
    if (options.opening) {
      this.#opening = options.opening.then(() => {
        this.#opening = undefined
      })
    }
    // ioredis emits 'error' on every failed reconnect; the counters and breaker state report it.
    client.on('error', () => {})
  }

  /** Fires when the breaker closes again after an outage. */
  onReset(listener: () => void) {
    this.#breaker.onClose(listener)
  }

  /**
   * The hot path of every L2 read. With coalescing on, reads issued together go out as one
   * `MGET` (one per hash slot on a cluster); each caller still gets its own result.
   */
  get(key: string): Promise<Maybe<Buffer | null>> {
    return this.#reads ? this.#reads.get(key) : this.#getOne(key)
  }

  /** One `GET`: one promise, no wrapping async frames. */
  #getOne(key: string): Promise<Maybe<Buffer | null>> {
    if (this.#opening !== undefined) return this.#opening.then(() => this.#getOne(key))
    if (!this.#admit()) return SKIPPED
    const started = performance.now()
    return this.client.getBuffer(key).then(
      (data) => {
        this.#succeeded(started)
        this.#count(data)
        return data
      },
      (error: unknown) => this.#failed(error),
    )
  }

  /**
   * Reads a coalesced batch of several keys (a batch of one is a plain `GET`): one `MGET`, or one
   * per hash slot on a cluster. Each command passes the breaker and is timed on its own, so on a
   * cluster a dead master fails only the keys of its slots.
   */
  #readBatch(keys: string[]): Promise<Maybe<Buffer | null>[]> {
    if (!this.#cluster) return this.#mgetOne(keys)
    const groups = groupBySlot(keys)
    if (groups.length === 1) return this.#mgetOne(keys)
    const results = new Array<Maybe<Buffer | null>>(keys.length)
    return Promise.all(
      groups.map(async (indexes) => {
        const values: Maybe<Buffer | null>[] =
          indexes.length === 1
            ? [await this.#getOne(keys[indexes[0]!]!)]
            : await this.#mgetOne(indexes.map((index) => keys[index]!))
        for (let position = 0; position < indexes.length; position++) {
          results[indexes[position]!] = values[position] as Maybe<Buffer | null>
        }
      }),
    ).then(() => results)
  }

  /** One `MGET` of keys that share a node (and slot); every key gets UNAVAILABLE if it fails. */
  #mgetOne(keys: string[]): Promise<Maybe<Buffer | null>[]> {
    if (this.#opening !== undefined) return this.#opening.then(() => this.#mgetOne(keys))
    if (!this.#admit()) {
      this.counters.skipped += keys.length - 1
      return Promise.resolve(keys.map((): Maybe<Buffer | null> => UNAVAILABLE))
    }
    const started = performance.now()
    return this.client.mgetBuffer(keys).then(
      (values): Maybe<Buffer | null>[] => {
        this.#succeeded(started)
        for (const data of values) this.#count(data)
        return values
      },
      (error: unknown) => {
        const failed: typeof UNAVAILABLE = this.#failed(error)
        return keys.map((): Maybe<Buffer | null> => failed)
      },
    )
  }

  #count(data: Buffer | null) {
    if (data) this.counters.hits++
    else this.counters.misses++
  }

  /** One `MGET` per hash slot on a cluster, one in all on a single node. */
  async mget(keys: readonly string[]): Promise<Maybe<(Buffer | null)[]>> {
    const groups = isCluster(this.client) ? groupBySlot(keys) : [keys.map((_, index) => index)]
    const results: (Buffer | null)[] = new Array<Buffer | null>(keys.length).fill(null)
    const outcomes = await Promise.all(
      groups.map((indexes) =>
        this.#run(() => this.client.mgetBuffer(...indexes.map((index) => keys[index]!))),
      ),
    )
    for (let group = 0; group < groups.length; group++) {
      const values = outcomes[group]!
      if (values === UNAVAILABLE) return UNAVAILABLE
      groups[group]!.forEach((index, position) => (results[index] = values[position] ?? null))
    }
    for (const value of results) {
      if (value) this.counters.hits++
      else this.counters.misses++
    }
    return results
  }

  /**
   * Stores an entry and adds it to its tag sets. Tag sets live as long as their longest entry
   * (`PEXPIRE … NX` gives a new set a TTL, `GT` only ever extends it).
   */
  async set(
    key: string,
    data: Buffer,
    ttlMs: number,
    tagKeys: readonly string[] = [],
  ): Promise<boolean> {
    const done = await this.#run(async () => {
      const writes: Promise<unknown>[] = [this.client.set(key, data, 'PX', ttlMs)]
      for (const tagKey of tagKeys) {
        writes.push(
          this.client.sadd(tagKey, key),
          this.client.pexpire(tagKey, ttlMs, 'NX'),
          this.client.pexpire(tagKey, ttlMs, 'GT'),
        )
      }
      await Promise.all(writes)
      return true
    })
    if (done === UNAVAILABLE) return false
    this.counters.sets++
    return true
  }

  /** Unlinks keys, grouped by slot on a cluster; returns how many existed. */
  async unlink(keys: readonly string[]): Promise<Maybe<number>> {
    if (keys.length === 0) return 0
    const removed = await this.#run(() => this.#unlink(keys))
    if (removed !== UNAVAILABLE) this.counters.deletes += removed
    return removed
  }

  /**
   * Scans every master for keys matching the pattern and unlinks them in batches (never `KEYS`).
   * Returns how many went.
   */
  async unlinkMatching(pattern: string): Promise<Maybe<number>> {
    return this.#unlinkScanned(pattern, (keys) => this.#unlink(keys))
  }

  /**
   * Like {@link unlinkMatching}, but keeps entries written after `before` (epoch ms): a replayed
   * clear must not undo a write that came after it.
   */
  async unlinkMatchingOlder(pattern: string, before: number): Promise<Maybe<number>> {
    return this.#unlinkScanned(pattern, (keys) => this.#unlinkOlder(keys, before))
  }

  /** Unlinks those of `keys` whose entries were written at or before `before` (epoch ms). */
  async unlinkOlder(keys: readonly string[], before: number): Promise<Maybe<number>> {
    if (keys.length === 0) return 0
    const removed = await this.#run(() => this.#unlinkOlder(keys, before))
    if (removed !== UNAVAILABLE) this.counters.deletes += removed
    return removed
  }

  /** The keys listed in the tag sets, which stay. */
  async tagMembers(tagKeys: readonly string[]): Promise<Maybe<string[]>> {
    return this.#run(async () => {
      const members = await Promise.all(tagKeys.map((tagKey) => this.client.smembers(tagKey)))
      return [...new Set(members.flat())]
    })
  }

  /**
   * Unlinks every key listed in the tag sets, and the sets. Returns the keys that were listed, so
   * other instances can evict them even when their copies came without tags.
   */
  async unlinkTagged(
    tagKeys: readonly string[],
  ): Promise<Maybe<{ removed: number; keys: string[] }>> {
    const outcome = await this.#run(async () => {
      const members = await Promise.all(tagKeys.map((tagKey) => this.client.smembers(tagKey)))
      const keys = [...new Set(members.flat())]
      const removed = keys.length > 0 ? await this.#unlink(keys) : 0
      await this.#unlink(tagKeys)
      return { removed, keys }
    })
    if (outcome !== UNAVAILABLE) this.counters.deletes += outcome.removed
    return outcome
  }

  /** The shared shape list at `key`, created with `freshGeneration` when missing. */
  loadShapes(key: string, freshGeneration: string): Promise<Maybe<string[]>> {
    const client = this.client as unknown as ScriptCommands
    return this.#run(() => client.biPerfLoadShapes(key, freshGeneration))
  }

  /** Appends shapes onto exactly the list the caller knows; returns the list as it now is. */
  appendShapes(
    key: string,
    generation: string,
    count: number,
    limit: number,
    shapes: string[],
  ): Promise<Maybe<string[]>> {
    const client = this.client as unknown as ScriptCommands
    return this.#run(() => client.biPerfAppendShapes(key, generation, count, limit, ...shapes))
  }

  async publish(channel: string, message: string): Promise<boolean> {
    return (await this.#run(() => this.client.publish(channel, message))) !== UNAVAILABLE
  }

  get breakerState(): BreakerState {
    return this.#breaker.state
  }

  latency(): LatencySummary {
    const count = this.#latency.count
    const ms = (percentile: number) =>
      count === 0 ? 0 : Math.round(this.#latency.percentile(percentile) / 10) / 100
    return { p50: ms(50), p95: ms(95), p99: ms(99), count }
  }

  async close() {
    // Queued reads go out now, so no caller waits on a connection that is about to close.
    this.#reads?.flush()
    // QUIT on a client that is not connected would wait for a reconnect that may never come.
    if (this.client.status !== 'ready') {
      this.client.disconnect()
      return
    }
    try {
      await this.client.quit()
    } catch {
      this.client.disconnect()
    }
  }

  async #run<T>(operation: () => Promise<T>): Promise<Maybe<T>> {
    if (this.#opening !== undefined) await this.#opening
    if (!this.#admit()) return UNAVAILABLE
    const started = performance.now()
    try {
      const result = await operation()
      this.#succeeded(started)
      return result
    } catch (error) {
      return this.#failed(error)
    }
  }

  /** Whether a command may go out: connected, and the breaker lets it through. */
  #admit(): boolean {
    if (this.client.status === 'ready' && this.#breaker.allow()) return true
    this.counters.skipped++
    return false
  }

  #succeeded(started: number) {
    this.#breaker.success()
    this.#latency.record(Math.max(1, Math.round((performance.now() - started) * 1_000)))
  }

  #failed(error: unknown): typeof UNAVAILABLE {
    // On a cluster, one dead master makes the commands for its slots fail at once while the
    // other masters serve theirs: counting those failures would open the one breaker and stop
    // the healthy masters too. They cost no waiting, so only other errors (timeouts) count.
    if (isCluster(this.client) && nodeUnavailable(error)) {
      this.#breaker.inconclusive()
      // ioredis updates its slot map on MOVED only for pipelines of reads; auto-pipelined writes
      // fail with it, and would keep going to the wrong node until the periodic refresh.
      if (error instanceof Error && error.message.startsWith('MOVED '))
        this.client.refreshSlotsCache()
    } else this.#breaker.failure()
    this.counters.errors++
    if (error instanceof Error && error.message.includes('timed out')) this.counters.timeouts++
    return UNAVAILABLE
  }

  async #unlinkScanned(
    pattern: string,
    unlink: (keys: readonly string[]) => Promise<number>,
  ): Promise<Maybe<number>> {
    const removed = await this.#run(async () => {
      // Read inside the run: before start-up is over a cluster client knows no masters yet.
      const nodes = isCluster(this.client) ? slotOwners(this.client) : [this.client]
      const counts = await Promise.all(
        nodes.map(async (node) => {
          let cursor = '0'
          let count = 0
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)
            cursor = next
            if (keys.length > 0) count += await unlink(keys)
          } while (cursor !== '0')
          return count
        }),
      )
      return counts.reduce((sum, count) => sum + count, 0)
    })
    if (removed !== UNAVAILABLE) this.counters.deletes += removed
    return removed
  }

  async #unlink(keys: readonly string[]): Promise<number> {
    const batches = isCluster(this.client)
      ? groupBySlot(keys).map((indexes) => indexes.map((index) => keys[index]!))
      : chunk(keys, UNLINK_BATCH)
    const counts = await Promise.all(batches.map((batch) => this.client.unlink(...batch)))
    return counts.reduce((sum, count) => sum + count, 0)
  }

  async #unlinkOlder(keys: readonly string[], before: number): Promise<number> {
    const client = this.client as unknown as ScriptCommands
    const counts = await Promise.all(keys.map((key) => client.biPerfUnlinkIfOlder(key, before)))
    return counts.reduce((sum, count) => sum + count, 0)
  }
}

/**
 * Errors with which ioredis rejects a command at once because the node owning its slot is
 * unreachable or the cluster has no owner for the slot. `MOVED` shows up too: an auto-pipelined
 * batch for the dead node goes to another one, which redirects it back.
 */
const NODE_UNAVAILABLE =
  /^(MOVED|ASK|CLUSTERDOWN) |Connection is closed|max retries per request|ECONNREFUSED|Cluster redirections/i

function nodeUnavailable(error: unknown): boolean {
  return error instanceof Error && NODE_UNAVAILABLE.test(error.message)
}

/** Indexes of `keys` grouped by Redis Cluster hash slot. */
function groupBySlot(keys: readonly string[]): number[][] {
  const groups = new Map<number, number[]>()
  keys.forEach((key, index) => {
    const slot = calculateSlot(key)
    const group = groups.get(slot)
    if (group) group.push(index)
    else groups.set(slot, [index])
  })
  return [...groups.values()]
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size))
  }
  return chunks
}
