import { createRequire } from 'node:module'
import type * as IORedis from 'ioredis'
import type { Cluster, Redis } from 'ioredis'
import { InvalidOptionError } from './errors.js'

// ioredis is an optional peer: loaded only when a Redis URL is given, so an in-process-only cache
// works without it installed.
const require = createRequire(import.meta.url)

/** A Redis client the cache can use: a single node or a cluster. */
export type RedisClient = Redis | Cluster

/** Connection settings the cache needs on every connection it opens. */
export interface ConnectionSettings {
  commandTimeout: number
  /**
   * Subscriber connections queue commands until ready and do not resubscribe by themselves: the
   * invalidation bus subscribes on every `ready` and waits for the reply, so it knows when
   * messages flow again.
   */
  subscriber?: boolean
  /**
   * The cache coalesces reads itself: on a single node, `GET` and `MGET` skip ioredis
   * auto-pipelining, which would hold each one back until `setImmediate` (a whole event-loop
   * turn) to batch what is already batched. Writes, and reads on a cluster, stay auto-pipelined.
   */
  directReads?: boolean
}

/** Commands the cache already batches itself when it coalesces reads. */
const DIRECT_READS = ['get', 'mget']

/**
 * Opens a connection owned by the cache: from a URL, or as a duplicate of a caller's client so
 * the cache controls timeouts and the offline queue without touching the caller's connection.
 * Commands fail at once while disconnected (no offline queue) and time out after
 * `commandTimeout`, so a missing Redis never makes a caller wait.
 */
export function openConnection(
  source: string | RedisClient,
  settings: ConnectionSettings,
): RedisClient {
  const subscriber = settings.subscriber ?? false
  const overrides = {
    commandTimeout: subscriber ? undefined : settings.commandTimeout,
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: !subscriber,
    autoPipeliningIgnoredCommands: settings.directReads ? DIRECT_READS : [],
    autoResubscribe: !subscriber,
    connectTimeout: Math.max(1_000, settings.commandTimeout * 10),
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1_000),
    lazyConnect: false,
  }
  if (typeof source === 'string') {
    validateRedisUrl(source)
    return new (redisClass())(source, overrides)
  }
  if (isCluster(source)) {
    // Cluster-level options are not inherited from `redisOptions`: a caller's lazyConnect
    // Cluster (core's own client is one) would otherwise give a duplicate that never connects.
    // The bus listens on a plain connection to one master (openSubscriber), never on a Cluster.
    return source.duplicate(undefined, {
      lazyConnect: false,
      enableOfflineQueue: false,
      // ioredis retries a command whose node is gone every 100 ms, bouncing between a random
      // node and the dead one until 16 redirections: over a second per call while a master is
      // down. The cache would rather fail at once and fall back to its in-process tier.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      enableAutoPipelining: true,
      // Coalesced reads of random keys spread over many slots: the per-slot GETs and MGETs for
      // one node should still leave in one write, so a cluster keeps auto-pipelining them.
      autoPipeliningIgnoredCommands: [],
      clusterRetryStrategy: overrides.retryStrategy,
      redisOptions: { ...source.options.redisOptions, ...overrides },
    })
  }
  return source.duplicate(overrides)
}

/**
 * A subscriber connection for the invalidation bus. On a cluster it is a plain connection to one
 * master chosen at random from those the cache's own cluster client knows (PUBLISH reaches every
 * node); after a few failed reconnects it ends, and the bus asks for another. Undefined while the
 * cluster client knows no master yet.
 */
export function openSubscriber(
  source: string | RedisClient,
  client: RedisClient,
  settings: ConnectionSettings,
): RedisClient | undefined {
  if (!isCluster(client)) return openConnection(source, { ...settings, subscriber: true })
  const masters = client.nodes('master')
  const node = masters[Math.floor(Math.random() * masters.length)]
  if (!node) return undefined
  const { host, port, username, password, tls, connectTimeout } = node.options
  return new (redisClass())({
    host,
    port,
    username,
    password,
    tls,
    connectTimeout,
    enableOfflineQueue: true,
    autoResubscribe: false,
    maxRetriesPerRequest: null,
    lazyConnect: false,
    retryStrategy: (attempt: number) => (attempt > 3 ? null : 100 * attempt),
  })
}

/** ioredis' `Redis` class, loaded on first use. */
function redisClass(): typeof Redis {
  try {
    return (require('ioredis') as typeof IORedis).Redis
  } catch (error) {
    throw new InvalidOptionError(
      'redis',
      '(url)',
      'the ioredis package must be installed to use Redis',
      { cause: error },
    )
  }
}

/** Whether the client is an ioredis `Cluster`. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true
}

function validateRedisUrl(rawUrl: string) {
  // Errors quote the URL without its credentials.
  const url = rawUrl.replace(/\/\/[^@/]*@/, '//***@')
  let parsed: URL
  try {
    parsed = new URL(rawUrl)
  } catch (error) {
    throw new InvalidOptionError('redis', url, 'expected a URL such as redis://127.0.0.1:6379', {
      cause: error,
    })
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidOptionError('redis', url, 'the URL scheme must be redis: or rediss:')
  }
  if (!parsed.hostname) throw new InvalidOptionError('redis', url, 'the URL must name a host')
  if (parsed.port && !(Number(parsed.port) > 0 && Number(parsed.port) < 65_536)) {
    throw new InvalidOptionError('redis', url, 'the port must be 1 to 65535')
  }
  const db = parsed.pathname.replace(/^\//, '')
  if (db && !/^\d+$/.test(db)) {
    throw new InvalidOptionError('redis', url, 'the path must be a database number, e.g. /0')
  }
}
