// The shared services every test and benchmark talks to, in one place. CI and a developer's
// machine run them on the default ports; REDIS_URL / DATABASE_URL point elsewhere when needed.

/** The shared Redis (never stopped by a test): `REDIS_URL` or `redis://127.0.0.1:6379`. */
export function redisUrl(): string {
  return process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'
}

/**
 * The shared PostgreSQL, database `test` by default: `DATABASE_URL` or
 * `postgres://postgres@127.0.0.1:5432/<database>`.
 */
export function postgresUrl(database = 'test'): string {
  return process.env['DATABASE_URL'] ?? `postgres://postgres@127.0.0.1:5432/${database}`
}
