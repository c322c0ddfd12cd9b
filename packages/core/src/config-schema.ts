import { z } from 'zod'
import {
  byteSize,
  duration,
  finiteNumber,
  fraction,
  hostPort,
  integer,
  nonEmptyString,
  numberBetween,
  oneOf,
  pemPublicKey,
  secret,
  urlWithScheme,
} from './config-fields.js'
import type { ProfileName } from './types.js'

// The one description of bi-perf's settings: validation, defaults, the environment variable
// names (walked from this schema) and the types below all come from here. Durations and byte
// sizes are given as numbers or strings ('30s', '64MiB') and come out as milliseconds and bytes
// under the same key. Settings without a default stay absent, so the active profile decides.

const PROFILES = ['balanced', 'memory', 'performance'] as const satisfies readonly ProfileName[]

const redisSection = z
  .strictObject({
    url: urlWithScheme(['redis', 'rediss'])
      .optional()
      .describe('Redis server URL (redis:// or rediss://). Unset: in-process cache tier only.'),
    clusterNodes: z
      .array(hostPort(), { error: 'expected a list of host:port nodes' })
      .min(1, { error: 'must list at least one host:port node' })
      .optional()
      .describe('Redis Cluster seed nodes as host:port; use instead of url.'),
    prefix: nonEmptyString()
      .default('bi-perf')
      .describe('Prefix of every Redis key, tag set and channel bi-perf writes.'),
    commandTimeout: duration()
      .prefault('100ms')
      .describe('How long one Redis command may take before the cache falls back (ms).'),
    connectTimeout: duration()
      .prefault('2s')
      .describe(
        'How long connecting to Redis may take (ms); cache calls made at start-up wait for it before falling back.',
      ),
  })
  .superRefine((redis, ctx) => {
    if (redis.url !== undefined && redis.clusterNodes !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusterNodes'],
        message: 'give either redis.url or redis.clusterNodes, not both',
      })
    }
  })

const poolSection = z
  .strictObject({
    max: integer(1).optional().describe('Most connections the pool opens.'),
    min: integer(0).optional().describe('Connections the pool keeps open when idle.'),
    idleTimeout: duration({ allowZero: true })
      .optional()
      .describe('How long an idle connection stays open; 0 keeps it (ms).'),
    connectionTimeout: duration({ allowZero: true })
      .optional()
      .describe('How long acquiring a connection may take; 0 waits forever (ms).'),
    statementTimeout: duration({ allowZero: true })
      .optional()
      .describe('Longest a statement may run before Postgres cancels it; 0 for no limit (ms).'),
  })
  .superRefine((pool, ctx) => {
    // Refinements also run when a field broke its own rule: compare only real numbers.
    if (typeof pool.min === 'number' && typeof pool.max === 'number' && pool.min > pool.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `must not be greater than database.pool.max (${pool.max})`,
      })
    }
  })

const databaseSection = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the database component.'),
  url: urlWithScheme(['postgres', 'postgresql'])
    .optional()
    .describe('PostgreSQL URL (postgres:// or postgresql://). Unset: embedded PGlite.'),
  dataDir: nonEmptyString()
    .optional()
    .describe('Directory of the embedded PGlite database. Unset: in memory.'),
  pool: poolSection.prefault({}).describe('Connection pool of a PostgreSQL url.'),
  cacheTtl: duration().optional().describe('Default time to live of cached query results (ms).'),
  slowQueryMs: duration({ allowZero: true })
    .prefault(200)
    .describe('Queries slower than this are recorded as slow (ms).'),
  cacheScopes: z
    .record(z.string(), nonEmptyString(), { error: 'expected a mapping of table to scope' })
    .default({})
    .describe('Cache scope of each table: cached queries on a table share its invalidation.'),
})

const namespaceSettings = z.strictObject({
  ttl: duration().optional().describe('Time to live of the namespace (ms).'),
  grace: duration({ allowZero: true }).optional().describe('Grace period of the namespace (ms).'),
})

const cacheSection = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the cache component.'),
  ttl: duration().optional().describe('Default time to live of cache entries (ms).'),
  ttlJitter: numberBetween(0, 0.5)
    .default(0.1)
    .describe(
      'Random spread of TTLs as a fraction (0.1 = ±10 %), so entries do not expire together.',
    ),
  grace: duration({ allowZero: true })
    .prefault(0)
    .describe('How long after expiry a stale value may be served while it refreshes (ms).'),
  namespaces: z
    .record(z.string(), namespaceSettings, { error: 'expected a mapping of namespace settings' })
    .default({})
    .describe('TTL and grace per data type, used by cache.namespace(name).'),
  l1: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Keep the in-process tier.'),
      maxEntries: integer(1).optional().describe('Most entries the in-process tier holds.'),
      maxBytes: byteSize({ min: 1 })
        .optional()
        .describe('Most memory the in-process tier holds (bytes).'),
      values: oneOf(['frozen', 'copied', 'shared'])
        .default('frozen')
        .describe('How hits are handed out: frozen copies, fresh copies or shared objects.'),
    })
    .prefault({})
    .describe('The in-process tier.'),
  compression: z
    .strictObject({
      codec: oneOf(['lz4', 'gzip', 'none'])
        .default('lz4')
        .describe('Codec of values written to Redis.'),
      threshold: byteSize().optional().describe('Values larger than this are compressed (bytes).'),
    })
    .prefault({})
    .describe('Compression of values written to Redis.'),
  coherence: z
    .boolean()
    .default(true)
    .describe('Tell other processes to drop their in-process copies on writes.'),
})

const concurrencySection = z
  .strictObject({
    min: integer(1).optional().describe('Fewest jobs a worker runs at once.'),
    max: integer(1).optional().describe('Most jobs a worker runs at once.'),
  })
  .superRefine((concurrency, ctx) => {
    const { min, max } = concurrency
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `must not be greater than tasks.concurrency.max (${max})`,
      })
    }
  })

const QUEUE_NAME_RULE = 'must be 1–100 characters of letters, digits, ".", "_" and "-"'

const tasksSection = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the task queue component.'),
  queue: z
    .string({ error: QUEUE_NAME_RULE })
    .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: QUEUE_NAME_RULE })
    .default('bi-perf')
    .describe('Name of the task queue.'),
  worker: z.boolean().default(true).describe('Run a worker for the queue in this process.'),
  concurrency: concurrencySection.optional().describe('Bounds of the adaptive worker concurrency.'),
  retry: z
    .strictObject({
      attempts: integer(1).default(3).describe('Attempts of a job, the first included.'),
      backoff: z
        .strictObject({
          delay: duration().prefault('1s').describe('Wait before the first retry (ms).'),
          max: duration().prefault('5m').describe('Longest wait between retries (ms).'),
        })
        .prefault({})
        .describe('Exponential backoff between attempts.'),
    })
    .prefault({})
    .describe('Retries of failed jobs.'),
  timeout: duration().prefault('5m').describe('Longest a job may run (ms).'),
  lockDuration: duration()
    .prefault('30s')
    .describe(
      "How long a worker's lock on a running job lasts; a dead worker's jobs are recovered after it (ms).",
    ),
  stalledInterval: duration()
    .prefault('30s')
    .describe('How often a worker looks for jobs whose worker died (ms).'),
  commandTimeout: duration()
    .prefault('500ms')
    .describe(
      'Longest an enqueue or a queue status read waits for Redis before failing with E_TASKS_UNAVAILABLE or E_TASKS_ENQUEUE_UNCERTAIN (ms).',
    ),
})

const memorySection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the memory manager.'),
    softLimit: fraction()
      .optional()
      .describe('Heap share at which caches are trimmed (0 < x < 1).'),
    hardLimit: fraction()
      .optional()
      .describe('Heap share at which caches are dropped and GC runs (0 < x < 1).'),
    checkInterval: duration().prefault('1s').describe('How often heap use is checked (ms).'),
    minGcInterval: duration()
      .prefault('30s')
      .describe('Shortest time between two forced garbage collections (ms).'),
    leakDetection: z.boolean().default(true).describe('Watch the heap for steady growth.'),
    heapSnapshotDir: nonEmptyString()
      .optional()
      .describe(
        'Directory POST /performance/memory/heap-snapshot writes into (never a caller-chosen path). Unset: bi-perf-heap-snapshots in the OS temp directory.',
      ),
  })
  .superRefine((memory, ctx) => {
    const { softLimit, hardLimit } = memory
    if (typeof softLimit === 'number' && typeof hardLimit === 'number' && softLimit >= hardLimit) {
      ctx.addIssue({
        code: 'custom',
        path: ['softLimit'],
        message: `must be less than memory.hardLimit (${hardLimit})`,
      })
    }
  })

/** Mirrors `AlertRuleOptions` of @bi-perf/monitor, with durations in milliseconds. */
const alertRule = z
  .strictObject({
    metric: nonEmptyString().describe('Metric name, e.g. cpu.total; `*` matches any run.'),
    above: finiteNumber().optional().describe('Fire when the value is greater than this.'),
    below: finiteNumber().optional().describe('Fire when the value is less than this.'),
    for: duration({ allowZero: true })
      .optional()
      .describe('How long the threshold must be crossed before firing (ms).'),
    clearAt: finiteNumber().optional().describe('Value the metric must come back past to clear.'),
    clearFor: duration({ allowZero: true })
      .optional()
      .describe('How long the metric must stay past clearAt to clear (ms).'),
    severity: oneOf(['warning', 'critical']).optional().describe('Severity of the alert.'),
  })
  .superRefine((rule, ctx) => {
    if ((rule.above === undefined) === (rule.below === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of above and below' })
      return
    }
    if (typeof rule.clearAt !== 'number') return
    if (typeof rule.above === 'number' && rule.clearAt > rule.above) {
      const message = `must not be greater than above (${rule.above})`
      ctx.addIssue({ code: 'custom', path: ['clearAt'], message })
    }
    if (typeof rule.below === 'number' && rule.clearAt < rule.below) {
      const message = `must not be less than below (${rule.below})`
      ctx.addIssue({ code: 'custom', path: ['clearAt'], message })
    }
  })

const monitorSection = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the system monitor.'),
  interval: duration({ minMs: 10 }).prefault('1s').describe('How often a sample is taken (ms).'),
  history: duration().prefault('10m').describe('How far back the sample history reaches (ms).'),
  thresholds: z
    .record(
      z.string(),
      z.union([alertRule, z.literal(false)], {
        error: 'expected an alert rule { metric, above or below, for } or false',
      }),
      { error: 'expected a mapping of alert rules by name' },
    )
    .default({})
    .describe('Alert rules by name, merged over the defaults; false turns a default rule off.'),
})

const authSection = z
  .strictObject({
    jwtSecret: secret(32)
      .optional()
      .describe('HS256 secret verifying bearer tokens, at least 32 characters.'),
    jwtPreviousSecrets: z
      .array(secret(32), { error: 'expected a list of secrets' })
      .default([])
      .describe(
        'Former HS256 secrets still accepted while their tokens expire (rotation by kid); needs jwtSecret.',
      ),
    jwtPublicKey: pemPublicKey()
      .optional()
      .describe('PEM public key verifying RS256/ES256 bearer tokens.'),
    jwksUrl: urlWithScheme(['https', 'http'])
      .optional()
      .describe('JWKS endpoint whose keys verify bearer tokens.'),
    issuer: nonEmptyString().optional().describe('Required `iss` claim of tokens.'),
    audience: nonEmptyString().optional().describe('Required `aud` claim of tokens.'),
    clockTolerance: duration({ allowZero: true })
      .prefault('30s')
      .describe('Clock skew allowed when checking exp, nbf and a future iat (ms).'),
  })
  .superRefine((auth, ctx) => {
    const keys = (['jwtSecret', 'jwtPublicKey', 'jwksUrl'] as const).filter(
      (key) => auth[key] !== undefined,
    )
    // Reported at the second key set, the one a reader most likely added by mistake.
    if (keys.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [keys[1]!],
        message: `give at most one of jwtSecret, jwtPublicKey and jwksUrl (${keys[0]} is set too)`,
      })
    }
    if (auth.jwtPreviousSecrets.length > 0 && auth.jwtSecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwtPreviousSecrets'],
        message: 'needs jwtSecret: previous secrets are kept only beside a current one',
      })
    }
  })

const serverSection = z.strictObject({
  port: integer(1, 65_535).default(8080).describe('TCP port the API listens on.'),
  host: nonEmptyString().default('127.0.0.1').describe('Address the API listens on.'),
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Least severe log level written.'),
  logFormat: oneOf(['auto', 'json', 'pretty'])
    .default('auto')
    .describe(
      'Log output: json (one JSON object per line), pretty (a start-up banner and short lines for people), or auto: pretty on a terminal, json otherwise.',
    ),
  auth: authSection
    .prefault({})
    .describe('Bearer-token authentication; without a key the API is open.'),
  metricsToken: secret(16)
    .optional()
    .describe(
      'Token required by GET /metrics, at least 16 characters. Unset: open, except in production (401).',
    ),
  rateLimit: z
    .strictObject({
      requests: integer(1).default(300).describe('Requests a client may make per window.'),
      window: duration().prefault('1m').describe('Window of the rate limit (ms).'),
      streams: integer(1)
        .default(5)
        .describe('Event streams (/performance/stream) a client may hold open per instance.'),
    })
    .prefault({})
    .describe('Per-client rate limit.'),
  bodyLimit: byteSize({ min: 1 }).prefault('1MiB').describe('Largest request body (bytes).'),
  timeouts: z
    .strictObject({
      headers: duration()
        .prefault('10s')
        .describe(
          "Longest a client may take from a request's first byte to the end of its headers; then 408 and the connection closes (ms).",
        ),
      request: duration()
        .prefault('30s')
        .describe(
          'Longest a client may take to send a whole request, headers and body; then 408 and the connection closes (ms).',
        ),
      keepAlive: duration()
        .prefault('5s')
        .describe(
          "How long an idle keep-alive connection stays open after its last response; set it above a load balancer's idle timeout (ms).",
        ),
    })
    .superRefine((timeouts, ctx) => {
      // Node refuses a headers timeout above the request timeout; say so at load time.
      if (
        typeof timeouts.headers === 'number' &&
        typeof timeouts.request === 'number' &&
        timeouts.headers > timeouts.request
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['headers'],
          message: `must not be greater than server.timeouts.request (${timeouts.request} ms)`,
        })
      }
    })
    .prefault({})
    .describe('Timeouts of client connections.'),
  maxConnections: integer(1)
    .default(1000)
    .describe(
      'Most client connections open at once; one more is closed as soon as it is accepted.',
    ),
  cors: z
    .strictObject({
      origins: z
        .array(nonEmptyString(), { error: 'expected a list of origins' })
        .default([])
        .describe('Origins allowed by CORS, e.g. https://app.example.com; empty: none.'),
    })
    .prefault({})
    .describe('Cross-origin requests.'),
})

/**
 * The zod schema of the bi-perf configuration file, environment and code options. Every field is
 * optional in input; parsing fills the defaults, turns durations into milliseconds and byte
 * sizes into bytes (same key names), and rejects unknown keys. Prefer {@link loadConfig} or
 * {@link resolveConfig}, which report every problem with its source in one `ConfigError`.
 *
 * @example
 * const config = configSchema.parse({ cache: { ttl: '5m' } })
 * config.cache.ttl // 300_000
 */
export const configSchema = z.strictObject({
  profile: oneOf(PROFILES)
    .default('balanced')
    .describe('Optimization profile supplying every setting left unset.'),
  redis: redisSection.prefault({}).describe('Redis, shared by the cache and the task queue.'),
  database: databaseSection.prefault({}).describe('Database access and query caching.'),
  cache: cacheSection.prefault({}).describe('The two-tier cache.'),
  tasks: tasksSection.prefault({}).describe('The background task queue.'),
  memory: memorySection.prefault({}).describe('Heap limits and leak detection.'),
  monitor: monitorSection.prefault({}).describe('System metrics and alerts.'),
  recommendations: z
    .strictObject({
      window: duration()
        .prefault('5m')
        .describe('Window the recommendation rules look back over (ms).'),
      leakWarmup: duration({ allowZero: true })
        .prefault('10m')
        .describe(
          'Time after start when heap growth is not judged a leak: caches fill and demo data is seeded (ms).',
        ),
      forecastHorizon: duration({ minMs: 60_000 })
        .prefault('24h')
        .describe(
          'A confident forecast that the heap, a disk or the database pool runs out sooner than this raises a recommendation (ms). 24h: a disk filling overnight is reported a working day ahead.',
        ),
    })
    .prefault({})
    .describe('Tuning recommendations.'),
  server: serverSection.prefault({}).describe('The HTTP API.'),
})

/**
 * The validated configuration: every default filled in, durations in milliseconds, byte sizes in
 * bytes. Settings without a default (e.g. `cache.ttl`, `memory.softLimit`) are absent unless set;
 * the active profile supplies them.
 */
export type BiPerfConfig = z.output<typeof configSchema>

/**
 * Configuration as a user writes it, in YAML or code: every field optional, durations as
 * milliseconds or strings (`'30s'`), byte sizes as bytes or strings (`'64MiB'`).
 */
export type BiPerfConfigInput = z.input<typeof configSchema>
