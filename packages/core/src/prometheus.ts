import type * as PromClientModule from 'prom-client'
import type { Counter, Gauge, Registry } from 'prom-client'
import { requireOptionalPeer } from './optional-peer.js'
import type { OptimizerMetrics } from './types.js'

/** One gauge: its name, help, and how to read it from the metrics (undefined = no sample). */
interface GaugeSpec {
  name: string
  help: string
  read: (metrics: OptimizerMetrics) => number | undefined
}

const PROFILE_NAMES = ['balanced', 'memory', 'performance'] as const

/**
 * The component metrics. Names ending in `_total` are counters (cumulative since start, each
 * scrape sets the value the component counted); the rest are gauges.
 */
const GAUGES: readonly GaugeSpec[] = [
  {
    name: 'bi_perf_cache_hits_total',
    help: 'Cache lookups answered by either tier',
    read: (m) => m.cache?.hits,
  },
  {
    name: 'bi_perf_cache_misses_total',
    help: 'Cache lookups neither tier answered',
    read: (m) => m.cache?.misses,
  },
  {
    name: 'bi_perf_cache_hit_ratio',
    help: 'Cache hits / lookups since start',
    read: (m) => m.cache?.hitRate,
  },
  {
    name: 'bi_perf_cache_l1_entries',
    help: 'Entries in the in-process tier',
    read: (m) => m.cache?.l1.entries,
  },
  {
    name: 'bi_perf_cache_l1_bytes',
    help: 'Estimated bytes held by the in-process tier',
    read: (m) => m.cache?.l1.bytes,
  },
  {
    name: 'bi_perf_cache_l1_evictions_total',
    help: 'Entries evicted by the in-process bounds',
    read: (m) => m.cache?.l1.evictions,
  },
  {
    name: 'bi_perf_cache_l2_errors_total',
    help: 'Failed Redis commands of the cache',
    read: (m) => m.cache?.l2?.errors,
  },
  {
    name: 'bi_perf_cache_l2_latency_p99_seconds',
    help: 'p99 latency of Redis commands',
    read: (m) => seconds(m.cache?.l2?.latencyMs.p99),
  },
  {
    name: 'bi_perf_cache_l2_circuit_open',
    help: '1 while the circuit in front of Redis is not closed',
    read: (m) => (m.cache?.l2 ? Number(m.cache.l2.breaker !== 'closed') : undefined),
  },
  {
    name: 'bi_perf_db_pool_connections_active',
    help: 'Database connections checked out',
    read: (m) => m.db?.pool.active,
  },
  {
    name: 'bi_perf_db_pool_connections_idle',
    help: 'Open database connections nobody uses',
    read: (m) => m.db?.pool.idle,
  },
  {
    name: 'bi_perf_db_pool_waiting',
    help: 'Callers waiting for a database connection',
    read: (m) => m.db?.pool.waiting,
  },
  {
    name: 'bi_perf_db_pool_max',
    help: 'Most database connections allowed',
    read: (m) => m.db?.pool.max,
  },
  { name: 'bi_perf_db_queries_total', help: 'Statements run', read: (m) => m.db?.queries.executed },
  {
    name: 'bi_perf_db_query_errors_total',
    help: 'Statements that failed',
    read: (m) => m.db?.queries.errors,
  },
  {
    name: 'bi_perf_db_query_cache_hit_ratio',
    help: 'db.cached() hits / lookups since start',
    read: (m) => m.db?.cache.hitRate,
  },
  {
    name: 'bi_perf_tasks_backlog',
    help: 'Tasks waiting or delayed',
    read: (m) => m.tasks?.counts.backlog,
  },
  { name: 'bi_perf_tasks_active', help: 'Tasks running', read: (m) => m.tasks?.counts.active },
  {
    name: 'bi_perf_tasks_failed',
    help: 'Tasks in the failed set',
    read: (m) => m.tasks?.counts.failed,
  },
  {
    name: 'bi_perf_tasks_completed_total',
    help: 'Attempts this process completed',
    read: (m) => m.tasks?.processed.completed,
  },
  {
    name: 'bi_perf_tasks_concurrency',
    help: 'Worker concurrency of this process',
    read: (m) => m.tasks?.concurrency,
  },
  {
    name: 'bi_perf_tasks_throughput_per_minute',
    help: 'Tasks completed per minute',
    read: (m) => m.tasks?.throughputPerMinute,
  },
  {
    name: 'bi_perf_memory_heap_ratio',
    help: 'Heap used / heap limit',
    read: (m) => m.memory?.heap.ratio,
  },
  {
    name: 'bi_perf_memory_gc_forced_total',
    help: 'GCs forced under hard memory pressure',
    read: (m) => m.memory?.pressure.hard.gcForced,
  },
  {
    name: 'bi_perf_optimizer_uptime_seconds',
    help: 'Time since the optimizer started',
    read: (m) => m.uptimeMs / 1000,
  },
]

/** What needs prom-client, as a missing-peer error names it. */
const PROMETHEUS_FEATURE = 'Prometheus export (registerPrometheus)'

let promClient: typeof PromClientModule | undefined

/**
 * prom-client, an optional peer (84 CommonJS modules), loaded on the first registration only: an
 * optimizer that is never scraped, such as the CLI's local mode, does not pay for it at start-up,
 * and an app that never registers does not need it installed. Without it: `MissingPeerError`
 * naming `npm install prom-client`.
 *
 * @param module what to load instead of prom-client; tests name a module no install has
 */
export function loadPromClient(module?: string): typeof PromClientModule {
  if (module !== undefined) {
    return requireOptionalPeer<typeof PromClientModule>('prom-client', PROMETHEUS_FEATURE, module)
  }
  promClient ??= requireOptionalPeer<typeof PromClientModule>('prom-client', PROMETHEUS_FEATURE)
  return promClient
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000
}

/**
 * Adds the optimizer's gauges to a registry, read from one `metrics()` call per scrape. Returns a
 * function that removes them again.
 */
export function registerOptimizerGauges(
  registry: Registry,
  readMetrics: () => OptimizerMetrics,
): () => void {
  const { Counter, Gauge } = loadPromClient()
  // One metrics object per scrape, shared by every gauge's collect().
  let scrape: { at: number; metrics: OptimizerMetrics } | undefined
  const current = () => {
    const now = Date.now()
    if (!scrape || now - scrape.at > 100) scrape = { at: now, metrics: readMetrics() }
    return scrape.metrics
  }
  const names: string[] = []
  for (const spec of GAUGES) {
    // A counter and a gauge are both set from the component's own figure on every scrape.
    const Metric = spec.name.endsWith('_total') ? Counter : Gauge
    new Metric({
      name: spec.name,
      help: spec.help,
      registers: [registry],
      collect(this: Counter | Gauge) {
        this.reset()
        const value = spec.read(current())
        if (value === undefined || !Number.isFinite(value)) return
        if (this instanceof Counter) {
          if (value > 0) this.inc(value)
        } else {
          this.set(value)
        }
      },
    })
    names.push(spec.name)
  }
  new Gauge({
    name: 'bi_perf_profile',
    help: '1 for the active optimization profile',
    labelNames: ['profile'],
    registers: [registry],
    collect() {
      const active = current().profile
      for (const profile of PROFILE_NAMES) this.set({ profile }, profile === active ? 1 : 0)
    },
  })
  names.push('bi_perf_profile')
  return () => {
    for (const name of names) registry.removeSingleMetric(name)
  }
}
