import type { BiPerfConfig } from '@bi-perf/core'

/** How a browser signs in to the dashboard of this process. */
export type DashboardAccess =
  /** No auth configured: a random secret for this process and an admin token for it. */
  | { kind: 'development-token'; token: string; ttl: string }
  /** `server.auth.jwtSecret`: the CLI mints tokens from it. */
  | { kind: 'secret' }
  /** A public key or JWKS URL: tokens come from the identity provider. */
  | { kind: 'identity-provider' }

/** What {@link renderStartBanner} shows. */
export interface StartFacts {
  version: string
  /** Where the server listens, as the socket says (`http://0.0.0.0:8080`). */
  url: string
  /** The same URL as a browser on this machine opens it (`http://127.0.0.1:8080`). */
  browserUrl: string
  profile: string
  environment: string
  access: DashboardAccess
  config: BiPerfConfig
}

/**
 * The start-up banner printed on a terminal instead of the JSON "listening" line: where the API
 * and the dashboard are, how to sign in, the profile and which backend each component runs on.
 * The first line keeps the JSON line's words (`bi-perf-api listening on …`), so a script or a
 * person grepping for them finds both.
 *
 * @example
 * process.stdout.write(renderStartBanner(facts).join('\n') + '\n')
 */
export function renderStartBanner(facts: StartFacts): string[] {
  const { config, browserUrl } = facts
  const rows: [string, string][] = [
    ['dashboard', dashboardLine(facts)],
    ['API docs', `${browserUrl}/docs`],
    ['profile', `${facts.profile} (${facts.environment})`],
    ['database', describeDatabase(config)],
    ['tasks', describeTasks(config)],
    ['cache', describeCache(config)],
    ['logs', 'for people on this terminal; BI_PERF_LOG_FORMAT=json for JSON lines'],
  ]
  return [
    `bi-perf-api ${facts.version} listening on ${facts.url}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(10)} ${value}`),
    '',
  ]
}

/**
 * The dashboard line of the banner, or of the JSON "listening" line: where it is and how to get
 * in with the auth this process runs.
 *
 * @example
 * dashboardLine({ browserUrl: 'http://127.0.0.1:8080', access: { kind: 'secret' } })
 * // 'http://127.0.0.1:8080/ — sign in with a token: run `bi-performance token --role admin` …'
 */
export function dashboardLine(facts: Pick<StartFacts, 'browserUrl' | 'access'>): string {
  const { browserUrl, access } = facts
  switch (access.kind) {
    case 'development-token':
      return `${browserUrl}/#token=${access.token} (admin, valid ${access.ttl}; a random secret for this process only: set BI_PERF_JWT_SECRET to keep tokens across restarts)`
    case 'secret':
      return `${browserUrl}/ — sign in with a token: run \`bi-performance token --role admin\` and open ${browserUrl}/#token=<token> (or paste it there)`
    case 'identity-provider':
      return `${browserUrl}/ — sign in with a token from your identity provider: ${browserUrl}/#token=<token>`
  }
}

/**
 * The database backend in a few words, without credentials.
 *
 * @example
 * describeDatabase(config) // 'PostgreSQL 127.0.0.1:5432/app' or 'embedded PGlite (in memory)'
 */
export function describeDatabase(config: BiPerfConfig): string {
  const database = config.database
  if (!database.enabled) return 'off (database.enabled: false)'
  if (database.url === undefined) {
    return `embedded PGlite (${database.dataDir ?? 'in memory'}; set DATABASE_URL for PostgreSQL)`
  }
  return `PostgreSQL ${hostAndPath(database.url)}`
}

/**
 * The task queue's backend in a few words.
 *
 * @example
 * describeTasks(config) // 'Redis 127.0.0.1:6379, queue "bi-perf"' or 'in-process queue'
 */
export function describeTasks(config: BiPerfConfig): string {
  const tasks = config.tasks
  if (!tasks.enabled) return 'off (tasks.enabled: false)'
  const worker = tasks.worker ? '' : ', no worker here (tasks.worker: false)'
  const redis = describeRedis(config)
  return redis
    ? `${redis}, queue "${tasks.queue}"${worker}`
    : `in-process queue (set REDIS_URL to share it)${worker}`
}

/**
 * The cache tiers in a few words.
 *
 * @example
 * describeCache(config) // 'L1 in process + Redis 127.0.0.1:6379' or 'L1 only (in process)'
 */
export function describeCache(config: BiPerfConfig): string {
  const cache = config.cache
  if (!cache.enabled) return 'off (cache.enabled: false)'
  const redis = describeRedis(config)
  if (!redis) return cache.l1.enabled ? 'L1 only (in process)' : 'off (no L1, no Redis)'
  return cache.l1.enabled ? `L1 in process + ${redis}` : `${redis} only (L1 off)`
}

function describeRedis(config: BiPerfConfig): string | undefined {
  const { url, clusterNodes } = config.redis
  if (clusterNodes !== undefined && clusterNodes.length > 0) {
    return `Redis Cluster (${clusterNodes.length} seed ${clusterNodes.length === 1 ? 'node' : 'nodes'})`
  }
  return url === undefined ? undefined : `Redis ${hostAndPath(url)}`
}

/** `host:port/path` of a service URL: never the user name or password it may carry. */
function hostAndPath(url: string): string {
  try {
    const parsed = new URL(url)
    const path = parsed.pathname === '/' ? '' : parsed.pathname
    return `${parsed.host}${path}`
  } catch {
    return '(unparsable URL)'
  }
}
