import pg from 'pg'

/** Every query of the harness gives up after this long: a restarting server must not hang it. */
const QUERY_TIMEOUT_MS = 10_000
const CONNECT_TIMEOUT_MS = 5_000

/**
 * The soak's own database on the shared PostgreSQL server: created fresh (`soak_<id>`), used by
 * the API and the workers through {@link SoakDatabase.appUrl} (tagged with an
 * `application_name`, so `pg_terminate_backend` hits their connections only), read by the
 * harness, and dropped at the end.
 *
 * @example
 * const db = await SoakDatabase.create(postgresUrl(), 'ab12cd')
 * await db.terminateApp()
 * await db.drop()
 */
export class SoakDatabase {
  /** `soak_<id>`. */
  readonly name: string
  /** The URL the API and the workers use; its connections carry {@link applicationName}. */
  readonly appUrl: string
  readonly applicationName: string
  /** Harness connections to the soak database (not tagged as the app's). */
  readonly pool: pg.Pool
  readonly #admin: pg.Pool
  #dropped = false

  private constructor(serverUrl: string, id: string) {
    this.name = `soak_${id}`
    this.applicationName = `bi-perf-soak-app-${id}`
    const app = new URL(serverUrl)
    app.pathname = `/${this.name}`
    app.searchParams.set('application_name', this.applicationName)
    this.appUrl = app.toString()
    const admin = new URL(serverUrl)
    admin.pathname = '/postgres'
    admin.searchParams.delete('application_name')
    this.#admin = pool(admin.toString(), `bi-perf-soak-admin-${id}`)
    const own = new URL(serverUrl)
    own.pathname = `/${this.name}`
    own.searchParams.delete('application_name')
    this.pool = pool(own.toString(), `bi-perf-soak-harness-${id}`)
  }

  /** Creates `soak_<id>` on the server of `serverUrl`. */
  static async create(serverUrl: string, id: string): Promise<SoakDatabase> {
    const db = new SoakDatabase(serverUrl, id)
    try {
      await db.#admin.query(`create database ${db.name}`)
    } catch (error) {
      await db.#admin.end()
      await db.pool.end()
      throw error
    }
    return db
  }

  /** Terminates the API's and the workers' connections; resolves with how many there were. */
  async terminateApp(): Promise<number> {
    const { rows } = await this.#admin.query<{ terminated: number }>(
      `select count(*) filter (where pg_terminate_backend(pid))::int as terminated
       from pg_stat_activity where datname = $1 and application_name = $2`,
      [this.name, this.applicationName],
    )
    return rows[0]?.terminated ?? 0
  }

  /** Whether the server answers a query now. */
  async answers(): Promise<boolean> {
    try {
      await this.#admin.query('select 1')
      return true
    } catch {
      return false
    }
  }

  /** Drops the database (forcing out any connection left) and closes the pools. Idempotent. */
  async drop(): Promise<void> {
    if (this.#dropped) return
    this.#dropped = true
    await this.pool.end().catch(() => undefined)
    try {
      await this.#admin.query(`drop database if exists ${this.name} with (force)`)
    } finally {
      await this.#admin.end().catch(() => undefined)
    }
  }
}

function pool(url: string, applicationName: string): pg.Pool {
  const created = new pg.Pool({
    connectionString: url,
    application_name: applicationName,
    max: 2,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    statement_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 5_000,
  })
  // A server restart or a terminated backend breaks idle clients; the pool drops them.
  created.on('error', () => {})
  return created
}
