/* global process, URL */
// The real Redis and PostgreSQL the examples run against, kept apart from everything else on
// them: a Redis logical database of the checks' own, emptied before and after, and one
// PostgreSQL database per scenario, dropped afterwards. Plus the environment a user's shell has.
import { runCommand } from './processes.mjs'

/**
 * Redis logical database of these checks; no test or service of the repository selects one
 * other than 0.
 */
const REDIS_DATABASE = 13

/** Variables a user's shell passes that npm and Node need: the path, the npm cache, proxies. */
const PASSED_THROUGH =
  /^(PATH|HOME|TMPDIR|LANG|LC_ALL|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$|_proxy$/i

/**
 * The environment of a user's shell: `PATH`, `HOME` (npm's warm cache), proxies; none of the
 * repository's `npm_config_*`, `BI_PERF_*` or CI variables, plus `extra`.
 *
 * @param {Record<string, string>} [extra]
 */
export function userEnv(extra = {}) {
  const env = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (PASSED_THROUGH.test(name) && value !== undefined) env[name] = value
  }
  return { ...env, ...extra }
}

/** The Redis URL of the checks: `REDIS_URL` (or the local default) on database 13. */
export function checksRedisUrl() {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  url.pathname = `/${REDIS_DATABASE}`
  return url.toString()
}

/** Empties the checks' Redis database (never any other). */
export async function emptyChecksRedis() {
  await mustRun('redis-cli', ['-u', checksRedisUrl(), 'FLUSHDB'], 'empty the Redis database')
}

/**
 * Creates database `name` next to `DATABASE_URL`'s (or the local default) and runs `sql` in it.
 *
 * @returns {Promise<string>} the new database's URL
 */
export async function createDatabase(name, sql = '') {
  await mustRun(
    'psql',
    [postgresUrl(), '-qc', `CREATE DATABASE "${name}"`],
    `create database ${name}`,
  )
  const url = new URL(postgresUrl())
  url.pathname = `/${name}`
  if (sql) await mustRun('psql', [url.toString(), '-qc', sql], `set up database ${name}`)
  return url.toString()
}

/** Drops database `name`, ending the sessions a failed example left open. */
export async function dropDatabase(name) {
  const statement = `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`
  await mustRun('psql', [postgresUrl(), '-qc', statement], `drop database ${name}`)
}

/** `DATABASE_URL`, or the local default: where the checks' databases are created. */
export function postgresUrl() {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
}

async function mustRun(command, args, what) {
  const result = await runCommand(command, args, {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: 20_000,
  })
  if (result.code !== 0) throw new Error(`could not ${what}: ${result.output.trim()}`)
}
