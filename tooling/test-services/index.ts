export { freePort, OwnedCluster, OwnedRedis } from './redis-servers.js'
export { waitFor, waitForValue } from './wait-for.js'
export type { WaitOptions } from './wait-for.js'
export { postgresUrl, redisUrl } from './service-urls.js'
