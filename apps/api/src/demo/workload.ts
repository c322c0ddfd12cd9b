import type { Optimizer } from '@bi-perf/core'
import type { Duration } from '@bi-perf/internal'
import type { Logger } from 'pino'
import { readOption } from '../option-reader.js'
import { buildDashboard } from './dashboard.js'
import { DemoNotReadyError } from './errors.js'
import { generateCompanies } from './dataset.js'
import { createRandom } from './prng.js'
import { refreshDemo, type RefreshResult } from './refresh.js'
import { demoTablesExist, type DemoDatabase } from './schema.js'
import { SEED_DEFAULTS, seedDemoData, type SeedOptions, type SeedResult } from './seed.js'
import type { AnalyticsDashboard } from './types.js'

/** Name of the background task that writes new prices and recomputes the insights. */
export const REFRESH_TASK = 'refresh-insights'

/**
 * Where a workload is:
 * - `seeding`: creating and filling the tables (the route answers 503 `E_DEMO_SEEDING`);
 * - `ready`: serving dashboards, refreshing on a timer;
 * - `absent`: no database, or a server without the demo tables and `seeding: 'auto'`;
 * - `failed`: seeding failed (logged); `closed`: after `close()`.
 */
export type DemoState = 'seeding' | 'ready' | 'absent' | 'failed' | 'closed'

/** The values of {@link DemoWorkloadOptions.seeding}. */
const SEEDING_MODES = ['auto', 'always', 'never'] as const

/** Options of {@link startDemoWorkload}. */
export interface DemoWorkloadOptions {
  /**
   * `auto` seeds the embedded PGlite and, on a PostgreSQL server, only uses demo tables that
   * already exist (it never loads 200 k rows into a real database unasked); `always` seeds any
   * database whose demo tables are empty; `never` only uses existing tables.
   * @default 'auto'
   */
  seeding?: 'auto' | 'always' | 'never'
  /** Size and generator seed of the dataset; see {@link SeedOptions}. */
  dataset?: SeedOptions
  /**
   * How often the `refresh-insights` task is enqueued.
   * @default '30s'
   */
  refreshInterval?: Duration
  /**
   * New price rows each refresh writes.
   * @default 200
   */
  refreshRows?: number
}

/** A running demo workload. */
export interface DemoWorkload {
  readonly state: DemoState
  /** Settles (never rejects) once seeding ended, with the state it reached. */
  readonly ready: Promise<DemoState>
  /** What seeding did; `undefined` until it finished or when it did not run. */
  readonly seed: SeedResult | undefined
  /** Builds the BI dashboard (only in state `ready`). */
  dashboard(): Promise<AnalyticsDashboard>
  /** Runs one refresh now, as the task does: new rows, fresh insights. */
  refresh(): Promise<RefreshResult>
  /** Idempotent: stops the timer; an in-flight refresh finishes first. */
  close(): Promise<void>
}

// A task queue accepts one handler per name: define it once per queue, and let it find the
// queue's current workload in the queue's slot, so a workload started again on the same
// optimizer still refreshes. Only the handler reads this; routes get their workload through the
// app's options (`createApp({ demo })`).
interface RefreshSlot {
  /** The latest workload started on the queue's optimizer, until it closes. */
  current: DemoWorkload | undefined
  /** Whether the queue has the `refresh-insights` handler. */
  defined: boolean
}
const refreshSlots = new WeakMap<object, RefreshSlot>()

function refreshSlotOf(optimizer: Optimizer): RefreshSlot | undefined {
  const tasks = optimizer.tasks
  if (!tasks) return undefined
  let slot = refreshSlots.get(tasks)
  if (!slot) {
    slot = { current: undefined, defined: false }
    refreshSlots.set(tasks, slot)
  }
  return slot
}

/**
 * Starts the demo BI workload on the optimizer's database: seeds it in the background (the
 * returned workload is `seeding` until done, see {@link DemoState}), then serves
 * `GET /analytics/dashboard` and, every `refreshInterval`, enqueues the `refresh-insights` task
 * on `optimizer.tasks` (or runs the refresh itself when tasks are disabled), which writes
 * `refreshRows` new prices — invalidating the cached widgets like real traffic — and recomputes
 * the insights.
 *
 * @example
 * const demo = await startDemoWorkload(optimizer, logger.child({ component: 'demo' }))
 * await demo.ready
 * const body = await demo.dashboard()
 * await demo.close()
 */
export function startDemoWorkload(
  optimizer: Optimizer,
  logger: Logger,
  options: DemoWorkloadOptions = {},
): Promise<DemoWorkload> {
  try {
    return Promise.resolve(launch(optimizer, logger, options))
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

function launch(optimizer: Optimizer, logger: Logger, options: DemoWorkloadOptions): DemoWorkload {
  const seeding = readOption.oneOf('options.seeding', options.seeding ?? 'auto', SEEDING_MODES)
  const intervalMs = readOption.duration(
    'options.refreshInterval',
    options.refreshInterval ?? '30s',
  )
  const refreshRows = readOption.count('options.refreshRows', options.refreshRows ?? 200, {
    allowZero: true,
  })
  const dataset = options.dataset ?? {}
  const companies = generateCompanies(
    dataset.companies ?? SEED_DEFAULTS.companies,
    dataset.seed ?? SEED_DEFAULTS.seed,
  )
  const random = createRandom(((dataset.seed ?? SEED_DEFAULTS.seed) ^ Date.now()) >>> 0)
  const db = optimizer.db as DemoDatabase | undefined
  const slot = refreshSlotOf(optimizer)

  let state: DemoState = 'seeding'
  let seedResult: SeedResult | undefined
  let timer: NodeJS.Timeout | undefined
  let refreshing: Promise<RefreshResult> | undefined
  let ready: Promise<DemoState> = Promise.resolve(state)
  // Dashboards run one at a time: each widget's "cached" flag is read from shared counters.
  let queue: Promise<unknown> = Promise.resolve()

  const workload: DemoWorkload = {
    get state() {
      return state
    },
    get ready() {
      return ready
    },
    get seed() {
      return seedResult
    },
    dashboard() {
      if (state !== 'ready' || !db) {
        return Promise.reject(new DemoNotReadyError(state))
      }
      const next = queue.then(() => buildDashboard(db))
      queue = next.catch(() => undefined)
      return next
    },
    refresh() {
      if (state !== 'ready' || !db) {
        return Promise.reject(new DemoNotReadyError(state))
      }
      // Overlapping runs would only write twice as many rows: join the one in flight.
      refreshing ??= refreshDemo(db, { companies, random, rows: refreshRows }).finally(() => {
        refreshing = undefined
      })
      return refreshing
    },
    async close() {
      if (state === 'closed') return
      state = 'closed'
      clearInterval(timer)
      if (slot?.current === workload) slot.current = undefined
      await refreshing?.catch(() => undefined)
    },
  }

  const tick = () => {
    if (state !== 'ready') return
    if (optimizer.tasks && slot?.defined) {
      // One id per interval: instances sharing a Redis queue enqueue the same run only once.
      const period = Math.floor(Date.now() / intervalMs)
      optimizer.tasks
        .enqueue(REFRESH_TASK, {}, { id: `${REFRESH_TASK}-${period}` })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not enqueue the demo refresh'),
        )
    } else {
      workload
        .refresh()
        .catch((error: unknown) => logger.warn({ err: error }, 'demo refresh failed'))
    }
  }

  const start = async (): Promise<DemoState> => {
    if (!db) {
      logger.info('demo workload off: the optimizer has no database')
      return 'absent'
    }
    const seed = seeding === 'always' || (seeding === 'auto' && db.backend === 'pglite')
    if (seed) {
      // A bulk load: the heap grows on purpose, so the optimizer suspects no leak from it.
      seedResult = await optimizer.bulkLoad(() => seedDemoData(db, dataset))
      logger.info(
        { ...seedResult, backend: db.backend },
        seedResult.seeded
          ? `demo dataset seeded: ${seedResult.priceRows} price rows in ${seedResult.ms} ms`
          : 'demo dataset present, not seeded again',
      )
    } else if (!(await demoTablesExist(db.kysely))) {
      logger.info(
        "demo workload off: no demo tables in this database (start with seeding: 'always' to create them)",
      )
      return 'absent'
    }
    defineRefreshTask(optimizer, logger, slot)
    // The first insights right away, so the dashboard has some from its first call.
    await refreshDemo(db, { companies, random, rows: 0 })
    return 'ready'
  }

  if (slot) slot.current = workload
  ready = start().then(
    (reached) => {
      if (state === 'closed') return state
      state = reached
      if (reached === 'ready') {
        timer = setInterval(tick, intervalMs)
        timer.unref()
      }
      return state
    },
    (error: unknown) => {
      if (state === 'closed') return state
      logger.error({ err: error }, 'demo workload failed to start')
      state = 'failed'
      return state
    },
  )
  return workload
}

/** Defines the queue's refresh handler once; it refreshes the slot's current workload. */
function defineRefreshTask(optimizer: Optimizer, logger: Logger, slot: RefreshSlot | undefined) {
  const tasks = optimizer.tasks
  if (!tasks || !slot || slot.defined) return
  try {
    tasks.define(REFRESH_TASK, async () => {
      const workload = slot.current
      if (workload?.state !== 'ready') return { skipped: true }
      const { inserted, ms, insights } = await workload.refresh()
      return { inserted, ms, insights: insights.items.length }
    })
    slot.defined = true
  } catch (error) {
    // A queue created with worker: false cannot run handlers: refresh in this process instead.
    logger.warn({ err: error }, 'demo refresh task not defined; refreshing without the task queue')
  }
}
