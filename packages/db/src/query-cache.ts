import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type { CompiledQuery, KyselyPlugin, OperationNode } from 'kysely'
import { parseDuration } from './duration.js'
import { NotCacheableError } from './errors.js'
import { readTags, type Scopes } from './cache-scopes.js'
import { firstWriteKind } from './query-tables.js'
import type { CacheStore, CacheableQuery, CachedOptions, QueryCacheStats } from './types.js'

/** What the driver learns about a query run inside `cached()` or `withAbortSignal()`. */
export interface QueryContext {
  signal: AbortSignal | undefined
  /** Set by the connection when the query ran inside a transaction. */
  ranInTransaction: boolean
}

interface Flight {
  promise: Promise<unknown[]>
  tags: readonly string[]
}

/**
 * The query-result cache: keys, tags, single flight, and the tag versions that stop a read which
 * raced a write from storing its (now stale) result.
 */
export class QueryCache {
  readonly context = new AsyncLocalStorage<QueryContext>()
  /**
   * Added to the executor of every transaction and pinned connection: compiling a builder made
   * from one runs this plugin, which is how `cached()` tells them apart before touching the
   * store.
   */
  readonly transactionMarker: KyselyPlugin
  readonly #versions = new Map<string, number>()
  readonly #flights = new Map<string, Flight>()
  #marked = false
  readonly #stats: Omit<QueryCacheStats, 'hitRate'> = {
    hits: 0,
    misses: 0,
    coalesced: 0,
    stored: 0,
    skippedStale: 0,
    bypassed: 0,
    invalidations: 0,
    storeErrors: 0,
  }

  constructor(
    private readonly store: CacheStore,
    /** TTL of results cached without one; `configure()` changes it for later calls. */
    public defaultTtlMs: number,
    private readonly scopes: Scopes = new Map(),
  ) {
    this.transactionMarker = {
      transformQuery: ({ node }) => {
        this.#marked = true
        return node
      },
      transformResult: ({ result }) => Promise.resolve(result),
    }
  }

  async run<O>(query: CacheableQuery<O>, options: CachedOptions = {}): Promise<O[]> {
    const ttl = options.ttl === undefined ? this.defaultTtlMs : parseDuration('ttl', options.ttl)
    const node = query.toOperationNode() as OperationNode
    if (node.kind !== 'SelectQueryNode') {
      throw new NotCacheableError(node.kind, 'only select queries (and unions) can be cached')
    }
    const write = firstWriteKind(node)
    if (write !== undefined) {
      throw new NotCacheableError(write, 'the select contains a data-modifying CTE')
    }
    this.#marked = false
    const compiled = query.compile()
    if (this.#marked) {
      this.#stats.bypassed++
      return query.execute()
    }
    const tags = [...new Set([...readTags(node, this.scopes), ...(options.tags ?? [])])]
    const key = cacheKey(compiled)
    const running = this.#flights.get(key)
    if (running !== undefined) {
      this.#stats.coalesced++
      return running.promise as Promise<O[]>
    }
    const promise = this.#load(query, key, tags, ttl)
    const flight = { promise, tags }
    this.#flights.set(key, flight)
    try {
      return await promise
    } finally {
      if (this.#flights.get(key) === flight) this.#flights.delete(key)
    }
  }

  async #load<O>(query: CacheableQuery<O>, key: string, tags: string[], ttl: number) {
    let hit: unknown
    try {
      hit = await this.store.get(key)
    } catch {
      this.#stats.storeErrors++
    }
    if (hit !== undefined) {
      this.#stats.hits++
      return hit as O[]
    }
    this.#stats.misses++
    const versions = tags.map((tag) => this.#versions.get(tag) ?? 0)
    const context: QueryContext = {
      signal: this.context.getStore()?.signal,
      ranInTransaction: false,
    }
    const rows = await this.context.run(context, () => query.execute())
    const stale = tags.some((tag, index) => (this.#versions.get(tag) ?? 0) !== versions[index])
    if (stale || context.ranInTransaction) {
      this.#stats.skippedStale++
      return rows
    }
    try {
      await this.store.set(key, rows, { ttl, tags })
      this.#stats.stored++
    } catch {
      this.#stats.storeErrors++
    }
    return rows
  }

  /**
   * Invalidates tags: bumps their versions at once (so reads already running will not store),
   * detaches running loads that carry them (so new callers query afresh), then tells the store.
   */
  async invalidate(tags: readonly string[]) {
    if (tags.length === 0) return
    for (const tag of tags) this.#versions.set(tag, (this.#versions.get(tag) ?? 0) + 1)
    for (const [key, flight] of this.#flights) {
      if (flight.tags.some((tag) => tags.includes(tag))) this.#flights.delete(key)
    }
    this.#stats.invalidations++
    try {
      await this.store.invalidateTags(tags)
    } catch {
      this.#stats.storeErrors++
    }
  }

  stats(): QueryCacheStats {
    const asked = this.#stats.hits + this.#stats.misses
    return { ...this.#stats, hitRate: asked === 0 ? 0 : this.#stats.hits / asked }
  }
}

/** The cache key: a hash of the compiled SQL and its parameters (values never appear in keys). */
export function cacheKey(compiled: CompiledQuery): string {
  const hash = createHash('sha256')
  hash.update(compiled.sql)
  hash.update('\0')
  hash.update(JSON.stringify(compiled.parameters, replacer))
  return `db:q:${hash.digest('base64url')}`
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('base64')}`
  return value
}
