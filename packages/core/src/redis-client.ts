import { Cluster, Redis } from 'ioredis'
import type { BiPerfConfig } from './config/schema.js'
import { isClustered } from './redis-config.js'

/**
 * The optimizer's own Redis client, or `undefined` without Redis. The packages open their own
 * connections from it (they duplicate a client they are given), so one configuration serves all.
 * `lazyConnect` keeps construction free of I/O; offline queueing is off so no call waits
 * forever on a Redis that is gone.
 */
export function createRedisClient(config: BiPerfConfig['redis']): Redis | Cluster | undefined {
  const client = connect(config)
  // Failures surface through the optimizer's error event and the packages' own clients; an
  // 'error' without a listener would crash the process.
  client?.on('error', () => {})
  return client
}

function connect(config: BiPerfConfig['redis']): Redis | Cluster | undefined {
  const common = {
    connectTimeout: config.connectTimeout,
    commandTimeout: config.commandTimeout,
    enableOfflineQueue: false,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  }
  if (isClustered(config)) {
    const nodes = (config.clusterNodes ?? []).map((node) => {
      const separator = node.lastIndexOf(':')
      return { host: node.slice(0, separator), port: Number(node.slice(separator + 1)) }
    })
    return new Cluster(nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      redisOptions: common,
    })
  }
  if (config.url) return new Redis(config.url, common)
  return undefined
}
