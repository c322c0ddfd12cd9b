import type { OptimizerMetrics } from '@bi-perf/core'
import { z } from '@hono/zod-openapi'

const HealthState = z.enum(['ok', 'degraded', 'down']).openapi('HealthState')
const ProfileName = z.enum(['balanced', 'memory', 'performance']).openapi('ProfileName')

/** Priorities, most urgent first; a filter returns that level and above. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const

/** Health of one component. */
export const ComponentStatusSchema = z
  .object({
    state: HealthState,
    reasons: z
      .array(z.string())
      .openapi({ description: 'Why the component is not ok; empty when ok' }),
  })
  .openapi('ComponentStatus')

/** One time-to-exhaustion forecast (`Forecast` of @bi-perf/core). */
export const ForecastSchema = z
  .object({
    resource: z.enum(['heap', 'disk', 'tasks.backlog', 'db.pool']),
    subject: z.string().openapi({ description: 'What runs out', example: 'disk /var' }),
    outlook: z.enum(['exhausts', 'stable', 'recovering', 'unknown']).openapi({
      description:
        'exhausts: heading to the limit; stable / recovering: not; unknown: too little data yet',
    }),
    etaMs: z.number().nullable().openapi({
      description: "Milliseconds until the limit at the current rate; null unless 'exhausts'",
      example: 11_400_000,
    }),
    confidence: z.number().min(0).max(1).openapi({ example: 0.82 }),
    current: z.number(),
    limit: z.number().nullable().openapi({ description: 'null for a resource without one' }),
    unit: z.enum(['bytes', 'tasks', 'connections']),
    ratePerMinute: z.number().openapi({ description: 'Trend, in unit per minute' }),
    summary: z.string().openapi({
      example: 'disk /var full in about 3 h 10 min at the current rate (+12.4 MiB/min)',
    }),
  })
  .openapi('Forecast')

/** `GET /performance/status`: OptimizerStatus plus the answering instance and version. */
export const StatusSchema = z
  .object({
    state: HealthState.openapi({ description: 'The worst state of any component' }),
    components: z
      .record(z.string(), ComponentStatusSchema)
      .openapi({ description: 'One entry per enabled component' }),
    profile: ProfileName,
    running: z.boolean(),
    startedAt: z
      .string()
      .nullable()
      .openapi({ description: 'ISO 8601 time of start(), null before it' }),
    uptimeMs: z.number(),
    instance: z
      .string()
      .openapi({ description: 'hostname:pid of the answering process', example: 'api-7f9c:4242' }),
    version: z.string().openapi({ description: 'Version of @bi-perf/api' }),
    sampleIntervalMs: z.number().int().positive().openapi({
      description:
        'Milliseconds between metric samples: the monitor interval, or 1000 without the monitor',
    }),
    forecasts: z.array(ForecastSchema).openapi({
      description: 'Time to exhaustion of the heap, each disk, the task backlog and the pool',
    }),
  })
  .openapi('Status')

const stats = (name: string, description: string) =>
  z.record(z.string(), z.unknown()).openapi(name, { description })

/** CacheStats of @bi-perf/cache (documented there field by field). */
export const CacheStatsSchema = stats(
  'CacheStats',
  'CacheStats of @bi-perf/cache: hits, misses, hitRate, l1, l2, compression…',
)
/** DatabaseStats of @bi-perf/db. */
export const DatabaseStatsSchema = stats(
  'DatabaseStats',
  'DatabaseStats of @bi-perf/db: pool, queries, cache…',
)
/** TaskQueueStatus of @bi-perf/tasks. */
export const TaskQueueStatusSchema = stats(
  'TaskQueueStatus',
  'TaskQueueStatus of @bi-perf/tasks: counts, processed, concurrency…',
)

/** `GET /performance/metrics` and the data of each `metrics` stream event. */
export const MetricsSchema = z
  .object({
    at: z.number().openapi({ description: 'When the object was assembled, epoch ms' }),
    profile: ProfileName,
    uptimeMs: z.number(),
    tuning: z
      .record(z.string(), z.record(z.string(), z.number()))
      .openapi({ description: 'Live tuning values' }),
    cache: CacheStatsSchema.optional(),
    db: DatabaseStatsSchema.optional(),
    tasks: TaskQueueStatusSchema.optional(),
    memory: stats('MemoryStats', 'MemoryStats of @bi-perf/memory').optional(),
    system: stats('MonitorSnapshot', "The monitor's latest snapshot").optional(),
  })
  .openapi('Metrics', {
    description: 'OptimizerMetrics of @bi-perf/core; a disabled component is absent',
  })

/** One recommendation with its evidence and the concrete change. */
export const RecommendationSchema = z
  .object({
    id: z.string().openapi({ example: 'db.pool-waiting' }),
    priority: z.enum(PRIORITIES),
    component: z.enum(['cache', 'db', 'tasks', 'memory', 'monitor', 'system']),
    title: z.string(),
    evidence: z.object({
      metric: z.string(),
      value: z.number(),
      threshold: z.number(),
      window: z.string(),
      summary: z.string().openapi({
        example: '4 callers waiting for a connection (p95) over 5 min, pool of 10',
      }),
    }),
    action: z.string().openapi({ example: 'raise database.pool.max from 10 to 20' }),
    apply: z
      .object({
        yaml: z.string().optional().openapi({ example: 'database.pool.max: 20' }),
        env: z.string().optional().openapi({ example: 'BI_PERF_DATABASE_POOL_MAX=20' }),
        command: z.string().optional().openapi({ example: 'bi-performance optimize memory' }),
        restart: z.boolean(),
      })
      .openapi({ description: 'How to apply the action; `restart`: whether it needs one' }),
  })
  .openapi('Recommendation')

/** `GET /performance/recommendations`. */
export const RecommendationsSchema = z
  .object({
    recommendations: z.array(RecommendationSchema),
    forecasts: z.array(ForecastSchema).openapi({
      description: 'Time to exhaustion of the heap, each disk, the task backlog and the pool',
    }),
  })
  .openapi('Recommendations')

/** `POST /performance/optimize/{profile}`: what the profile change moved. */
export const ProfileChangeSchema = z
  .object({
    profile: ProfileName,
    previous: ProfileName,
    changes: z.array(z.object({ setting: z.string(), from: z.number(), to: z.number() })),
    held: z
      .array(z.object({ setting: z.string(), requested: z.number(), reason: z.string() }))
      .openapi({
        description:
          'Settings the profile would change that this backend caps or ignores (embedded PGlite caps database.pool.max at 1; the compression threshold needs Redis), with why',
      }),
    appliedAt: z.string(),
  })
  .openapi('ProfileChange')

/** `POST /performance/cache/clear` body; unknown keys are rejected. */
export const ClearCacheBodySchema = z
  .strictObject({
    pattern: z.string().min(1).max(256).optional().openapi({
      description: 'Glob of keys to remove, e.g. `dashboard:*`',
      example: 'dashboard:*',
    }),
    tags: z
      .array(z.string().min(1).max(256))
      .max(100)
      .optional()
      .openapi({
        description: 'Remove every entry carrying one of these tags',
        example: ['sales'],
      }),
  })
  .openapi('ClearCacheRequest', { description: 'Neither field: clear the whole cache' })

/** `POST /performance/cache/clear` answer. */
export const ClearCacheResultSchema = z
  .object({ removed: z.number().int().openapi({ description: 'Keys removed' }) })
  .openapi('ClearCacheResult')

/** `GET /health/live`. */
export const LiveSchema = z.object({ status: z.literal('ok') }).openapi('Live')

/** `GET /health/ready` when ready. */
export const ReadySchema = z
  .object({
    status: z.literal('ready'),
    state: HealthState,
    components: z.record(z.string(), ComponentStatusSchema),
  })
  .openapi('Ready')

/** `GET /health` when live and ready. */
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    live: z.boolean(),
    ready: z.boolean(),
    state: HealthState,
    components: z.record(z.string(), ComponentStatusSchema),
  })
  .openapi('Health')

// The bodies as types, for the API's clients in this app (the dashboard imports them in JSDoc):
// a change of a schema above shows up in the dashboard's typecheck, not in a browser.

/** `GET /performance/status`. */
export type StatusBody = z.infer<typeof StatusSchema>
/**
 * `GET /performance/metrics` and each `metrics` stream event. {@link MetricsSchema} leaves the
 * component stats open; their fields are those of `OptimizerMetrics`, which the routes send as is.
 */
export type MetricsBody = OptimizerMetrics
/** `GET /performance/recommendations`. */
export type RecommendationsBody = z.infer<typeof RecommendationsSchema>
/** One recommendation of {@link RecommendationsBody}. */
export type RecommendationBody = z.infer<typeof RecommendationSchema>
/** One forecast of {@link RecommendationsBody} and {@link StatusBody}. */
export type ForecastBody = z.infer<typeof ForecastSchema>
/** `POST /performance/optimize/{profile}`. */
export type ProfileChangeBody = z.infer<typeof ProfileChangeSchema>
/** `POST /performance/cache/clear` request body. */
export type ClearCacheBody = z.infer<typeof ClearCacheBodySchema>
/** `POST /performance/cache/clear` answer. */
export type ClearCacheResultBody = z.infer<typeof ClearCacheResultSchema>
