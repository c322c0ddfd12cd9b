import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Dialect,
  type QueryExecutor,
} from 'kysely'
import { batchInsert } from './batch-insert.js'
import { copyFrom } from './copy-from.js'
import { parseDuration } from './duration.js'
import { DatabaseClosedError, InvalidArgumentError } from './errors.js'
import { round } from './log-histogram.js'
import { createMemoryStore } from './memory-store.js'
import { resolveOptions } from './options.js'
import { PgSource } from './pg-source.js'
import { PgliteSource } from './pglite-source.js'
import { QueryCache } from './query-cache.js'
import { QueryRecorder } from './query-recorder.js'
import { resolveReconfiguration } from './reconfiguration.js'
import { TrackingDriver, type Runtime } from './tracked-connection.js'
import type { Database, DatabaseOptions, DatabaseSettings, HealthReport } from './types.js'

/**
 * Creates a database: a typed Kysely over a node-postgres pool (or, without `url`, an embedded
 * PGlite), with query-result caching that writes invalidate automatically, pool and query
 * statistics, batch loads and a health check.
 *
 * @example
 * import { createDatabase } from '@bi-perf/db'
 *
 * interface DB { prices: { id: number; product_id: number; price: string; at: Date } }
 *
 * const db = createDatabase<DB>({ url: 'postgres://app@127.0.0.1:5432/bi', slowQueryMs: 100 })
 * const latest = await db.cached(
 *   db.kysely.selectFrom('prices').select(['product_id', 'price']).where('product_id', '=', 42),
 *   { ttl: '30s' },
 * )
 * await db.kysely.insertInto('prices').values({ product_id: 42, price: '9.99', at: new Date() }).execute()
 * // the insert invalidated every cached read of "prices"
 * console.log(db.stats().cache.hitRate, (await db.health()).status)
 * await db.close()
 */
export function createDatabase<DB>(options: DatabaseOptions = {}): Database<DB> {
  const resolved = resolveOptions(options)
  const cache = new QueryCache(
    resolved.cache ?? createMemoryStore(),
    resolved.cacheTtlMs,
    resolved.cacheScopes,
  )
  const recorder = new QueryRecorder(resolved)
  const runtime: Runtime = {
    cache,
    recorder,
    transactions: { committed: 0, rolledBack: 0 },
    scopes: resolved.cacheScopes,
  }
  const backend = resolved.url === undefined ? 'pglite' : 'postgres'
  const source = backend === 'pglite' ? new PgliteSource(resolved) : new PgSource(resolved)
  const driver = new TrackingDriver(source, runtime)
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
  const kysely = new Kysely<DB>({ dialect, plugins: options.plugins ?? [] })
  markTransactions(kysely.getExecutor(), cache)
  const untyped = kysely as unknown as Kysely<unknown>
  let closed = false
  let closing: Promise<void> | undefined
  let serverVersion: string | null = null

  const open = () => {
    if (closed) throw new DatabaseClosedError()
  }

  const settings = (): DatabaseSettings => {
    const { pool } = resolved
    const pglite = backend === 'pglite'
    return {
      backend,
      pool: {
        max: pglite ? 1 : pool.max,
        min: pglite ? 1 : pool.min,
        idleTimeoutMs: pool.idleTimeoutMs,
        connectionTimeoutMs: pool.connectionTimeoutMs,
        statementTimeoutMs: pglite ? 0 : pool.statementTimeoutMs,
      },
      cacheTtlMs: resolved.cacheTtlMs,
      slowQueryMs: resolved.slowQueryMs,
    }
  }

  return {
    kysely,
    backend,
    async cached(query, cachedOptions) {
      open()
      return cache.run(query, cachedOptions)
    },
    async batchInsert(table, rows, batchOptions) {
      open()
      return batchInsert(untyped, table, rows, batchOptions)
    },
    async copyFrom(table, rows, copyOptions) {
      open()
      if (source instanceof PgliteSource) {
        // PGlite has no COPY FROM STDIN from this process: the same rows go through batchInsert.
        const all: Record<string, unknown>[] = []
        for await (const row of rows) all.push(row)
        const result = await batchInsert(
          untyped,
          table,
          copyOptions?.columns ? all.map((row) => pick(row, copyOptions.columns!)) : all,
        )
        return { rows: result.rows, method: 'batch-insert' }
      }
      await driver.init()
      return copyFrom(
        { kysely: untyped, source, cache, recorder, scopes: resolved.cacheScopes },
        table,
        rows,
        copyOptions,
      )
    },
    withAbortSignal(signal, fn) {
      if (!(signal instanceof AbortSignal)) {
        throw new InvalidArgumentError('signal', signal, 'must be an AbortSignal')
      }
      const outer = cache.context.getStore()
      return cache.context.run({ signal, ranInTransaction: outer?.ranInTransaction ?? false }, fn)
    },
    async invalidate(tags) {
      open()
      if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag === '')) {
        throw new InvalidArgumentError('tags', tags, 'must be an array of non-empty strings')
      }
      await cache.invalidate(tags)
    },
    stats() {
      return {
        backend,
        pool: source.stats(),
        queries: recorder.stats(),
        cache: cache.stats(),
        transactions: { ...runtime.transactions },
      }
    },
    configure(changes) {
      open()
      const next = resolveReconfiguration(changes, resolved)
      // Validated above; from here on nothing throws. The recorder, the sources and health()
      // read these shared options on every use.
      Object.assign(resolved.pool, next.pool)
      resolved.cacheTtlMs = next.cacheTtlMs
      resolved.slowQueryMs = next.slowQueryMs
      cache.defaultTtlMs = next.cacheTtlMs
      source.reconfigure()
      return settings()
    },
    settings,
    async health(healthOptions = {}): Promise<HealthReport> {
      open()
      const timeoutMs = parseDuration('timeout', healthOptions.timeout ?? '5s')
      const reasons: string[] = []
      let latencyMs: number | null = null
      let timer: NodeJS.Timeout | undefined
      const started = performance.now()
      try {
        await Promise.race([
          kysely.executeQuery(CompiledQuery.raw('select 1')),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${timeoutMs} ms`)),
              timeoutMs,
            ).unref()
          }),
        ])
        latencyMs = round(performance.now() - started)
        if (serverVersion === null) {
          const { rows } = await kysely.executeQuery<{ version: string }>(
            CompiledQuery.raw("select current_setting('server_version') as version"),
          )
          serverVersion = rows[0]?.version ?? null
        }
      } catch (error) {
        reasons.push(`select 1 failed: ${error instanceof Error ? error.message : String(error)}`)
      } finally {
        clearTimeout(timer)
      }
      const pool = source.stats()
      if (latencyMs !== null) {
        if (pool.saturation >= 0.9) reasons.push(`pool saturation ${pool.saturation.toFixed(2)}`)
        if (pool.waiting > 0) reasons.push(`${pool.waiting} callers waiting for a connection`)
        if (latencyMs > resolved.slowQueryMs) {
          reasons.push(`round trip ${latencyMs} ms above slowQueryMs (${resolved.slowQueryMs})`)
        }
      }
      return {
        status: latencyMs === null ? 'down' : reasons.length > 0 ? 'degraded' : 'ok',
        backend,
        latencyMs,
        serverVersion: latencyMs === null ? null : serverVersion,
        pool: {
          total: pool.total,
          idle: pool.idle,
          waiting: pool.waiting,
          max: pool.max,
          saturation: pool.saturation,
        },
        reasons,
        checkedAt: new Date().toISOString(),
      }
    },
    close() {
      closed = true
      closing ??= kysely.destroy()
      return closing
    },
  }
}

/**
 * Gives every executor Kysely derives for a transaction or a pinned connection the cache's
 * marker plugin; Kysely 0.28 offers no other way to tell a builder made from a transaction.
 * Executors derived by `withPlugin`, `withSchema`… are patched the same way.
 */
function markTransactions(executor: QueryExecutor, cache: QueryCache): QueryExecutor {
  const patched = executor as unknown as Record<string, (...args: unknown[]) => QueryExecutor>
  const withConnectionProvider = patched.withConnectionProvider!.bind(executor)
  patched.withConnectionProvider = (provider) =>
    withConnectionProvider(provider).withPlugin(cache.transactionMarker)
  for (const method of ['withPlugin', 'withPlugins', 'withPluginAtFront', 'withoutPlugins']) {
    const derive = patched[method]?.bind(executor)
    if (derive) patched[method] = (...args) => markTransactions(derive(...args), cache)
  }
  return executor
}

function pick(row: Record<string, unknown>, columns: readonly string[]) {
  return Object.fromEntries(columns.map((column) => [column, row[column]]))
}
