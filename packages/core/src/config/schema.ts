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
  setting,
  urlWithScheme,
} from './fields.js'
import { PACKAGE_DEFAULTS, SERVICE_DEFAULTS } from './defaults.js'
import type { ProfileName } from '../types.js'

// The one description of bi-perf's settings: validation, defaults, the environment variable
// names (walked from this schema), the generated bi-perf.example.yaml and the types below all
// come from here. Durations and byte sizes are given as numbers or strings ('30s', '64MiB') and
// come out as milliseconds and bytes under the same key. Settings without a default stay absent,
// so the active profile decides. Defaults shared with a feature package are that package's
// `DEFAULTS` (./defaults.ts), never restated here.

const {
  cache: CACHE,
  database: DB,
  tasks: TASKS,
  memory: MEMORY,
  monitor: MONITOR,
} = PACKAGE_DEFAULTS

const PROFILES = ['balanced', 'memory', 'performance'] as const satisfies readonly ProfileName[]

const redisSection = z
  .strictObject({
    url: urlWithScheme(['redis', 'rediss'])
      .optional()
      .meta(
        setting({
          description: 'Redis server URL, redis:// or rediss:// (TLS).',
          unset: 'unset (in-process cache tier only)',
          example: 'redis://localhost:6379',
        }),
      ),
    clusterNodes: z
      .array(hostPort(), { error: 'expected a list of host:port nodes' })
      .min(1, { error: 'must list at least one host:port node' })
      .optional()
      .meta(
        setting({
          description: 'Redis Cluster seed nodes as host:port, instead of url.',
          unset: 'unset',
          example: ['redis-1:6379', 'redis-2:6379'],
        }),
      ),
    prefix: nonEmptyString()
      .default(CACHE.prefix)
      .describe('Prefix of every Redis key, tag set and channel bi-perf writes.'),
    commandTimeout: duration()
      .prefault(CACHE.commandTimeout)
      .describe('How long one Redis command may take before the cache falls back.'),
    connectTimeout: duration()
      .prefault(SERVICE_DEFAULTS.redis.connectTimeout)
      .describe(
        'How long connecting to Redis may take; cache calls made at start-up wait for it before falling back.',
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
    max: integer(1)
      .optional()
      .meta(
        setting({
          description: 'Most connections the pool opens.',
          unset: 'profile',
          example: DB.pool.max,
        }),
      ),
    min: integer(0)
      .optional()
      .meta(
        setting({
          description: 'Connections the pool keeps open when idle.',
          unset: `${DB.pool.min} (@bi-perf/db)`,
          example: DB.pool.min,
        }),
      ),
    idleTimeout: duration({ allowZero: true })
      .optional()
      .meta(
        setting({
          description: 'How long an idle connection stays open; 0 keeps it.',
          unset: `${DB.pool.idleTimeout} (@bi-perf/db)`,
          example: DB.pool.idleTimeout,
        }),
      ),
    connectionTimeout: duration({ allowZero: true })
      .optional()
      .meta(
        setting({
          description: 'How long acquiring a connection may take; 0 waits forever.',
          unset: `${DB.pool.connectionTimeout} (@bi-perf/db)`,
          example: DB.pool.connectionTimeout,
        }),
      ),
    statementTimeout: duration({ allowZero: true })
      .optional()
      .meta(
        setting({
          description: 'Longest a statement may run before Postgres cancels it; 0 for no limit.',
          unset: `${DB.pool.statementTimeout} (@bi-perf/db)`,
          example: DB.pool.statementTimeout,
        }),
      ),
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
    .meta(
      setting({
        description: 'PostgreSQL URL, postgres:// or postgresql://.',
        unset: 'unset (embedded PGlite)',
        example: 'postgres://app:secret@localhost:5432/app',
      }),
    ),
  dataDir: nonEmptyString()
    .optional()
    .meta(
      setting({
        description: 'Directory of the embedded PGlite database.',
        unset: 'unset (in memory)',
        example: './data/pglite',
      }),
    ),
  pool: poolSection
    .prefault({})
    .describe(
      "Connection pool of a PostgreSQL url: max comes from the profile, the rest from @bi-perf/db's web pool.",
    ),
  cacheTtl: duration()
    .optional()
    .meta(
      setting({
        description: 'Default time to live of cached query results.',
        unset: 'profile',
        example: DB.cacheTtl,
      }),
    ),
  slowQueryMs: duration({ allowZero: true })
    .prefault(DB.slowQueryMs)
    .describe('Queries slower than this are recorded as slow.'),
  cacheScopes: z
    .record(z.string(), nonEmptyString(), { error: 'expected a mapping of table to scope' })
    .default({ ...DB.cacheScopes })
    .meta(
      setting({
        description: 'Cache scope of each table: cached queries on a table share its invalidation.',
        entries: ['orders: sales', 'order_items: sales'],
        envFormat: 'JSON, e.g. {"orders":"sales"}',
      }),
    ),
})

const namespaceSettings = z.strictObject({
  ttl: duration().optional().describe('Time to live of the namespace.'),
  grace: duration({ allowZero: true }).optional().describe('Grace period of the namespace.'),
})

const cacheSection = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the cache component.'),
  ttl: duration()
    .optional()
    .meta(
      setting({
        description: 'Default time to live of cache entries.',
        unset: 'profile',
        example: CACHE.ttl,
      }),
    ),
  ttlJitter: numberBetween(0, 0.5)
    .default(CACHE.ttlJitter)
    .describe(
      'Random spread of TTLs as a fraction from 0 to 0.5 (0.1 = ±10 %), so entries written together do not expire together.',
    ),
  grace: duration({ allowZero: true })
    .prefault(CACHE.grace)
    .describe('How long after expiry a stale value may be served while it refreshes.'),
  namespaces: z
    .record(z.string(), namespaceSettings, { error: 'expected a mapping of namespace settings' })
    .default({})
    .meta(
      setting({
        description: 'TTL and grace (durations) per data type, used by cache.namespace(name).',
        entries: ['reports: { ttl: 10m, grace: 1m }'],
        envFormat: 'JSON, e.g. {"reports":{"ttl":"10m"}}',
      }),
    ),
  l1: z
    .strictObject({
      enabled: z.boolean().default(CACHE.l1.enabled).describe('Keep the in-process tier.'),
      maxEntries: integer(1)
        .optional()
        .meta(
          setting({
            description: 'Most entries the in-process tier holds.',
            unset: 'profile',
            example: CACHE.l1.maxEntries,
          }),
        ),
      maxBytes: byteSize({ min: 1 })
        .optional()
        .meta(
          setting({
            description: 'Most memory the in-process tier holds.',
            unset: 'profile',
            example: CACHE.l1.maxBytes,
          }),
        ),
      values: oneOf(['frozen', 'copied', 'shared'])
        .default(CACHE.l1.values)
        .describe(
          'How hits are handed out: frozen (shared read-only copies), copied (a fresh copy each hit) or shared (no copies; callers must not mutate).',
        ),
    })
    .prefault({})
    .describe('The in-process tier.'),
  compression: z
    .strictObject({
      codec: oneOf(['lz4', 'gzip', 'none'])
        .default(CACHE.compression.codec)
        .describe('Codec of values written to Redis: lz4, gzip or none.'),
      threshold: byteSize()
        .optional()
        .meta(
          setting({
            description: 'Values larger than this are compressed.',
            unset: 'profile',
            example: CACHE.compression.threshold,
          }),
        ),
    })
    .prefault({})
    .describe('Compression of values written to Redis.'),
  coherence: z
    .boolean()
    .default(CACHE.coherence)
    .describe('Tell other processes to drop their in-process copies when a value changes.'),
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
  // The task library has no default name (a producer names its queue); a service needs one.
  queue: z
    .string({ error: QUEUE_NAME_RULE })
    .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: QUEUE_NAME_RULE })
    .default('bi-perf')
    .describe('Name of the queue: 1 to 100 letters, digits, ".", "_" or "-".'),
  worker: z.boolean().default(TASKS.worker).describe('Run a worker for the queue in this process.'),
  concurrency: concurrencySection.optional().meta(
    setting({
      description:
        'Bounds of the adaptive worker concurrency: fewest (min) and most (max) jobs a worker runs at once, min <= max.',
      unset: 'profile',
      example: { ...TASKS.concurrency },
    }),
  ),
  retry: z
    .strictObject({
      attempts: integer(1)
        .default(TASKS.retry.attempts)
        .describe('Attempts of a job, the first included.'),
      backoff: z
        .strictObject({
          delay: duration()
            .prefault(TASKS.retry.backoff.delay)
            .describe('Wait before the first retry.'),
          max: duration()
            .prefault(TASKS.retry.backoff.maxDelay)
            .describe('Longest wait between retries.'),
        })
        .prefault({})
        .describe('Exponential backoff between attempts.'),
    })
    .prefault({})
    .describe('Retries of failed jobs.'),
  timeout: duration().prefault(TASKS.timeout).describe('Longest a job may run.'),
  lockDuration: duration()
    .prefault(TASKS.lockDuration)
    .describe(
      "How long a worker's lock on a running job lasts: the jobs of a worker that died (SIGKILL, crash) run again on another worker once their lock expired and a stalled check ran, so a lost job is back after at most lockDuration + stalledInterval. Shorter recovers sooner, but a job whose worker is too busy to renew its lock in time may run twice.",
    ),
  stalledInterval: duration()
    .prefault(TASKS.stalledInterval)
    .describe('How often a worker looks for jobs whose worker died.'),
  commandTimeout: duration()
    .prefault(TASKS.commandTimeout)
    .describe(
      'Longest an enqueue or a queue status read waits for Redis. Past it the call fails with E_TASKS_UNAVAILABLE (nothing was sent: the task will not run) or E_TASKS_ENQUEUE_UNCERTAIN (sent, no answer: retry with the same task id, it runs once either way); the API answers 503 with Retry-After. While Redis is known to be away, calls fail at once. Raise it for very large batches on a busy Redis.',
    ),
})

const memorySection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the memory manager.'),
    softLimit: fraction()
      .optional()
      .meta(
        setting({
          description:
            'Share of the heap limit at which caches are trimmed, between 0 and 1, below hardLimit.',
          unset: 'profile',
          example: MEMORY.softLimit,
        }),
      ),
    hardLimit: fraction()
      .optional()
      .meta(
        setting({
          description:
            'Share of the heap limit at which caches are dropped and GC runs, between 0 and 1.',
          unset: 'profile',
          example: MEMORY.hardLimit,
        }),
      ),
    checkInterval: duration()
      .prefault(MEMORY.checkInterval)
      .describe('How often heap use is checked.'),
    minGcInterval: duration()
      .prefault(MEMORY.minGcInterval)
      .describe('Shortest time between two forced garbage collections.'),
    leakDetection: z
      .boolean()
      .default(MEMORY.leakDetection)
      .describe('Watch the heap for steady growth.'),
    heapSnapshotDir: nonEmptyString()
      .optional()
      .meta(
        setting({
          description:
            'Directory POST /performance/memory/heap-snapshot writes into (never a caller-chosen path).',
          unset: 'bi-perf-heap-snapshots in the OS temp directory',
          example: '/var/tmp/bi-perf-heap-snapshots',
        }),
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
  interval: duration({ minMs: 10 })
    .prefault(MONITOR.interval)
    .describe('How often a sample is taken, at least 10ms.'),
  history: duration()
    .prefault(MONITOR.history)
    .describe('How far back the sample history reaches.'),
  thresholds: z
    .record(
      z.string(),
      z.union([alertRule, z.literal(false)], {
        error: 'expected an alert rule { metric, above or below, for } or false',
      }),
      { error: 'expected a mapping of alert rules by name' },
    )
    .default({ ...MONITOR.thresholds })
    .meta(
      setting({
        description:
          'Alert rules by name, merged over the built-in ones (cpu-high, memory-high, disk-high, event-loop-delay-high and their -critical twins): a rule with a built-in name replaces it, false turns it off. Each rule: metric, exactly one of above / below, and optionally for (duration), clearAt, clearFor (duration), severity (warning or critical).',
        entries: [
          'queue-backlog: { metric: tasks.waiting, above: 1000, for: 1m, clearAt: 500 }',
          'disk-high: false',
        ],
        envFormat: 'JSON, e.g. {"disk-high":false}',
      }),
    ),
})

/**
 * Shortest HS256 secret (`server.auth.jwtSecret`, each of `jwtPreviousSecrets`): 32 characters,
 * the 256 bits of the HMAC key. The configuration is the one place this is checked; the API's
 * token verifier trusts a validated configuration.
 */
export const JWT_SECRET_MIN_LENGTH = 32

const authSection = z
  .strictObject({
    jwtSecret: secret(JWT_SECRET_MIN_LENGTH)
      .optional()
      .meta(
        setting({
          description: `HS256 secret verifying tokens, at least ${JWT_SECRET_MIN_LENGTH} characters. Prefer the environment for secrets.`,
          unset: 'unset',
          example: 'change-me-to-32-or-more-random-characters',
        }),
      ),
    jwtPreviousSecrets: z
      .array(secret(JWT_SECRET_MIN_LENGTH), { error: 'expected a list of secrets' })
      .default([])
      .describe(
        `Former HS256 secrets still accepted, for rotating jwtSecret without logging anyone out: tokens carry the kid of the secret that signed them (bi-performance token and the development token set it; a token without kid is tried against each secret). Remove an old secret once its tokens have expired. Needs jwtSecret; each at least ${JWT_SECRET_MIN_LENGTH} characters.`,
      ),
    jwtPublicKey: pemPublicKey()
      .optional()
      .meta(
        setting({
          description: 'PEM public key verifying RS256/ES256 tokens.',
          unset: 'unset',
          example: '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n',
        }),
      ),
    jwksUrl: urlWithScheme(['https', 'http'])
      .optional()
      .meta(
        setting({
          description: 'JWKS endpoint (https:// or http://) whose keys verify tokens.',
          unset: 'unset',
          example: 'https://auth.example.com/.well-known/jwks.json',
        }),
      ),
    issuer: nonEmptyString()
      .optional()
      .meta(
        setting({
          description: 'Required iss claim of tokens.',
          unset: 'unset (not checked)',
          example: 'https://auth.example.com/',
        }),
      ),
    audience: nonEmptyString()
      .optional()
      .meta(
        setting({
          description: 'Required aud claim of tokens.',
          unset: 'unset (not checked)',
          example: 'bi-perf',
        }),
      ),
    clockTolerance: duration({ allowZero: true })
      .prefault('30s')
      .describe(
        'Clock skew allowed when checking exp and nbf, and how far in the future an iat may lie.',
      ),
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
  port: integer(1, 65_535).default(8080).describe('TCP port the API listens on, 1 to 65535.'),
  host: nonEmptyString()
    .default('127.0.0.1')
    .describe('Address the API listens on; 127.0.0.1 is this machine only.'),
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Least severe log level written: fatal, error, warn, info, debug, trace or silent.'),
  logFormat: oneOf(['auto', 'json', 'pretty'])
    .default('auto')
    .describe(
      'Log output: json (one JSON object per line), pretty (a start-up banner and short lines for people), or auto: pretty on a terminal, json otherwise.',
    ),
  auth: authSection
    .prefault({})
    .describe(
      'Bearer-token authentication: set at most one of jwtSecret, jwtPublicKey and jwksUrl. Without any, the API is open.',
    ),
  metricsToken: secret(16)
    .optional()
    .meta(
      setting({
        description:
          'Token GET /metrics requires, at least 16 characters. Prefer the environment for secrets.',
        unset:
          'unset: open in development and test, but in production (any NODE_ENV other than development or test) GET /metrics answers 401 until a token is set: the page shows the Node version, mounts and memory',
        example: 'change-me-16-chars-or-more',
      }),
    ),
  rateLimit: z
    .strictObject({
      requests: integer(1).default(300).describe('Requests a client may make per window.'),
      window: duration().prefault('1m').describe('Window of the rate limit.'),
      streams: integer(1)
        .default(5)
        .describe(
          'Event streams (GET /performance/stream) a client may hold open on one instance; one more is a 429.',
        ),
    })
    .prefault({})
    .describe(
      "Per-client rate limit: a client is a token's subject and role, or an address without a valid token. It covers /performance/*, /analytics/*, /metrics and /openapi.json.",
    ),
  bodyLimit: byteSize({ min: 1 }).prefault('1MiB').describe('Largest request body.'),
  timeouts: z
    .strictObject({
      headers: duration()
        .prefault('10s')
        .describe(
          "Longest a client may take from a request's first byte to the end of its headers (slowloris). At most timeouts.request.",
        ),
      request: duration()
        .prefault('30s')
        .describe(
          'Longest a client may take to send a whole request, headers and body, so a body trickled a byte at a time cannot hold a connection.',
        ),
      keepAlive: duration()
        .prefault('5s')
        .describe(
          'How long an idle keep-alive connection stays open after its last response. Behind a load balancer that keeps idle connections longer (AWS ALB: 60s), set it above that, or the balancer may send a request on a connection the API is closing.',
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
    .describe(
      'Timeouts of client connections (slow and idle clients). A request that misses one gets a 408 and its connection closes.',
    ),
  maxConnections: integer(1)
    .default(1000)
    .describe(
      "Most client connections open at once, idle keep-alive ones included; one more is closed as soon as it is accepted, without a response. Keep it below the process's open-file limit (ulimit -n).",
    ),
  cors: z
    .strictObject({
      origins: z
        .array(nonEmptyString(), { error: 'expected a list of origins' })
        .default([])
        .meta(
          setting({
            description: 'Origins allowed to call the API from a browser; [] allows none.',
            entries: ['- https://app.example.com'],
          }),
        ),
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
    .describe(
      'Optimization profile supplying every setting left unset: balanced, memory or performance.',
    ),
  redis: redisSection.prefault({}).describe('Redis, shared by the cache and the task queue.'),
  database: databaseSection.prefault({}).describe('Database access and query caching.'),
  cache: cacheSection
    .prefault({})
    .describe('The two-tier cache: in-process (l1) in front of Redis.'),
  tasks: tasksSection.prefault({}).describe('The background task queue.'),
  memory: memorySection.prefault({}).describe('Heap limits and leak detection.'),
  monitor: monitorSection.prefault({}).describe('System metrics and alerts.'),
  recommendations: z
    .strictObject({
      window: duration().prefault('5m').describe('Window the recommendation rules look back over.'),
      leakWarmup: duration({ allowZero: true })
        .prefault('10m')
        .describe(
          'Time after start when heap growth is not judged a leak: caches fill and demo data is seeded.',
        ),
      forecastHorizon: duration({ minMs: 60_000 })
        .prefault('24h')
        .describe(
          'A confident forecast that the heap, a disk or the database pool runs out sooner than this raises a recommendation. 24h: a disk filling overnight is reported a working day ahead.',
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
