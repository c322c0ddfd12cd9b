import type { Optimizer } from '@bi-perf/core'
import type { Database } from '@bi-perf/db'
import { sql, type Kysely } from 'kysely'
import { createRandom } from './prng.js'

/** Name of the demo task that "scrapes" one price and records it once. */
export const SCRAPE_TASK = 'scrape-price'

/** Data of one `scrape-price` task. */
export interface ScrapeTaskData {
  /** The batch the task belongs to (`POST /analytics/scrape`). */
  batchId: string
  /** Its number in the batch, 1-based. */
  n: number
}

/** Progress of one batch, read from the tables. */
export interface ScrapeProgress {
  /** Distinct tasks whose result is stored: each task counts once, however often it ran. */
  done: number
  /** Handler runs in total; above `done` when a task ran again (e.g. after its worker died). */
  runs: number
}

/** The tables of the scrape demo. */
export interface ScrapeTables {
  /** One row per task that completed; the primary key makes a second run a no-op. */
  demo_scrape_results: { job_id: string; batch_id: string; price: number | string; worker: string }
  /**
   * One row per handler run, append-only: counts runs, duplicates included. `attempt` (1-based,
   * `ctx.attempt`) tells a retry after a failed attempt from a rerun of the same attempt (its
   * worker died, or lost its lock), which the soak harness counts apart.
   */
  demo_scrape_runs: { job_id: string; batch_id: string; worker: string; attempt: number }
}

// Two processes creating the same table at once can both pass `if not exists` and one then
// fails on the catalog's unique index; a transaction-scoped advisory lock serialises them.
const SCHEMA_LOCK = 0x5c_4a_9e

const ensured = new WeakMap<object, Promise<void>>()

/**
 * Creates the scrape tables when they are missing, once per database object. Safe to call from
 * every API instance and worker at once.
 *
 * @example
 * await ensureScrapeTables(optimizer.db)
 */
export function ensureScrapeTables(db: Database<unknown>): Promise<void> {
  let pending = ensured.get(db)
  if (!pending) {
    pending = createScrapeTables(db.kysely as Kysely<ScrapeTables>)
    // A failure (database down) must not be remembered: the next call tries again.
    pending.catch(() => ensured.delete(db))
    ensured.set(db, pending)
  }
  return pending
}

async function createScrapeTables(kysely: Kysely<ScrapeTables>): Promise<void> {
  // Look before locking: `create index if not exists` takes a share lock on its table even when
  // the index exists, which deadlocks with the handlers' inserts running in other processes.
  if (await scrapeTablesExist(kysely)) return
  await kysely.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SCHEMA_LOCK})`.execute(trx)
    await trx.schema
      .createTable('demo_scrape_results')
      .ifNotExists()
      .addColumn('job_id', 'text', (column) => column.primaryKey())
      .addColumn('batch_id', 'text', (column) => column.notNull())
      .addColumn('price', 'numeric(14, 2)', (column) => column.notNull())
      .addColumn('worker', 'text', (column) => column.notNull())
      .addColumn('scraped_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
      .execute()
    await trx.schema
      .createTable('demo_scrape_runs')
      .ifNotExists()
      .addColumn('id', 'bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('job_id', 'text', (column) => column.notNull())
      .addColumn('batch_id', 'text', (column) => column.notNull())
      .addColumn('worker', 'text', (column) => column.notNull())
      .addColumn('ran_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
      .execute()
    // Tables created before the column existed get it here; old rows keep null.
    await sql`alter table demo_scrape_runs add column if not exists attempt integer`.execute(trx)
    await trx.schema
      .createIndex('demo_scrape_results_batch_idx')
      .ifNotExists()
      .on('demo_scrape_results')
      .column('batch_id')
      .execute()
    await trx.schema
      .createIndex('demo_scrape_runs_batch_idx')
      .ifNotExists()
      .on('demo_scrape_runs')
      .column('batch_id')
      .execute()
  })
}

async function scrapeTablesExist(kysely: Kysely<ScrapeTables>): Promise<boolean> {
  const { rows } = await sql<{ present: number }>`
    select count(to_regclass(name))::int
           + (select count(*) from information_schema.columns
              where table_schema = current_schema() and table_name = 'demo_scrape_runs'
                and column_name = 'attempt')::int as present
    from unnest(array['demo_scrape_results', 'demo_scrape_runs', 'demo_scrape_results_batch_idx',
                      'demo_scrape_runs_batch_idx']) as name
  `.execute(kysely)
  return Number(rows[0]?.present) === 5
}

/**
 * The task id of task `n` of a batch: deterministic, so enqueuing a batch again adds nothing
 * while its tasks are still known to the queue. `-` joins them because BullMQ forbids `:` in
 * custom job ids.
 */
export function scrapeTaskId(batchId: string, n: number): string {
  return `${batchId}-${n}`
}

/**
 * Defines the `scrape-price` handler on the optimizer's task queue (a worker queue). One run
 * appends a row (task id, worker, attempt) to `demo_scrape_runs` and stores the result in `demo_scrape_results` with
 * `on conflict do nothing`, in one statement: a task that runs twice (its worker was killed
 * after the write, before BullMQ recorded the completion) counts two runs and one result.
 *
 * @example
 * defineScrapeTask(optimizer)
 * await optimizer.tasks.enqueue('scrape-price', { batchId: 'b1', n: 1 }, { id: 'b1-1' })
 */
export function defineScrapeTask(optimizer: Optimizer): void {
  const db = optimizer.db as Database<unknown> | undefined
  const tasks = optimizer.tasks
  if (!db || !tasks) return
  const random = createRandom((process.pid ^ Date.now()) >>> 0)
  const kysely = db.kysely as Kysely<ScrapeTables>
  tasks.define<ScrapeTaskData>(SCRAPE_TASK, async (data, ctx) => {
    await ensureScrapeTables(db)
    const price = Math.round((5 + random.next() * 995) * 100) / 100
    await sql`
      with run as (
        insert into demo_scrape_runs (job_id, batch_id, worker, attempt)
        values (${ctx.id}, ${data.batchId}, ${optimizer.instance}, ${ctx.attempt})
      )
      insert into demo_scrape_results (job_id, batch_id, price, worker)
      values (${ctx.id}, ${data.batchId}, ${price}, ${optimizer.instance})
      on conflict (job_id) do nothing
    `.execute(kysely)
    return { price }
  })
}

/**
 * How far a batch got: distinct stored results and handler runs.
 *
 * @example
 * const { done, runs } = await readScrapeProgress(optimizer.db, 'b1')
 */
export async function readScrapeProgress(
  db: Database<unknown>,
  batchId: string,
): Promise<ScrapeProgress> {
  await ensureScrapeTables(db)
  const { rows } = await sql<{ done: number; runs: number }>`
    select (select count(*) from demo_scrape_results where batch_id = ${batchId})::int as done,
           (select count(*) from demo_scrape_runs where batch_id = ${batchId})::int as runs
  `.execute(db.kysely)
  return { done: Number(rows[0]?.done ?? 0), runs: Number(rows[0]?.runs ?? 0) }
}
